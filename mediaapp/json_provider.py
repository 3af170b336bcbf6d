"""Flask's JSON answers written by orjson.

Flask's default provider (the standard library's encoder, keys sorted, ASCII only) took
about 0.6 ms of a 50-item list page in the profile (bench/README.md); orjson writes the same
document in a fraction of that. The output keeps what clients could see of the default one:
keys sorted, compact separators, a closing newline, dates as HTTP dates, Decimal as a string.
Anything orjson refuses (an integer past 64 bits, a string with a lone surrogate) goes
through the default provider, so no answer that worked before fails now.
"""

import datetime
import decimal
import typing as t

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider
from werkzeug.http import http_date

OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def _default(value: t.Any) -> t.Any:
    if isinstance(value, datetime.date):  # datetime too (passed through to here)
        return http_date(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        if kwargs:  # indentation or other options asked for: the default encoder's job
            return super().dumps(obj, **kwargs)
        return self._encode(obj).decode()

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self._encode(obj) + b"\n", mimetype=self.mimetype)

    def _encode(self, obj: t.Any) -> bytes:
        try:
            return orjson.dumps(obj, default=_default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().dumps(obj, separators=(",", ":")).encode()
