"""Check every JSON answer of the API against the OpenAPI document, as the tests receive it."""

import gzip
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from urllib.parse import urlsplit

import brotli
from flask import Response, request
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator

from mediaapp.api.openapi import IGNORED_METHODS, build_spec, openapi_path

# Content-Encodings the app may answer with (mediaapp/compression.py), undone before checking.
DECODERS = {"br": brotli.decompress, "gzip": gzip.decompress}

DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")

# openapi-schema-validator checks only numeric formats; the wire's strings are checked too.
format_checker = FormatChecker()


@format_checker.checks("uuid", raises=ValueError)
def _is_uuid(value) -> bool:
    return not isinstance(value, str) or str(uuid.UUID(value)) == value  # canonical form only


@format_checker.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    return bool(DATE_TIME.fullmatch(value)) and datetime.fromisoformat(value) is not None


@format_checker.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    return not isinstance(value, str) or date.fromisoformat(value).isoformat() == value


@format_checker.checks("email")
def _is_email(value) -> bool:
    return not isinstance(value, str) or value.count("@") == 1


@format_checker.checks("uri")
def _is_uri(value) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(value).netloc)


class ContractChecker:
    """Collects every way the API's answers differ from its document."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._document: dict | None = None
        self._validators: dict[tuple, OAS30Validator] = {}

    def document(self) -> dict:
        if self._document is None:  # every app in the suite has the same API blueprint
            self._document = build_spec()
        return self._document

    def validator(self, schema: dict) -> OAS30Validator:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            root = {"allOf": [schema], "components": self.document()["components"]}
            self._validators[key] = OAS30Validator(root, format_checker=format_checker)
        return self._validators[key]

    def problems_with(
        self, where: str, schema: dict, body: bytes, encoding: str | None = None
    ) -> list[str]:
        try:
            body = DECODERS[encoding](body) if encoding else body
            value = json.loads(body)
        except (ValueError, OSError, brotli.error) as exc:
            return [f"{where}: the body is not JSON ({exc})"]
        return [
            f"{where}: {error.message} at {'/'.join(map(str, error.absolute_path)) or 'the top'}"
            for error in self.validator(schema).iter_errors(value)
        ]

    def on_request_finished(self, sender, response: Response, **extra) -> None:
        """Flask's request_finished signal: check the answer to any documented operation."""
        rule = request.url_rule
        if not request.path.startswith("/api/") or rule is None:
            return  # not the API, or no route matched (404/405 answered by routing)
        if request.method in IGNORED_METHODS or not rule.endpoint.startswith("api."):
            return
        path = openapi_path(rule.rule)
        where = f"{request.method} {path} -> {response.status_code}"
        operation = self.document()["paths"].get(path, {}).get(request.method.lower())
        if operation is None:
            self.problems.append(f"{where}: the operation is not in the OpenAPI document")
            return
        documented = operation["responses"].get(str(response.status_code))
        if documented is None:
            self.problems.append(
                f"{where}: status not documented (documented: {sorted(operation['responses'])})"
            )
            return
        content = documented.get("content")
        if content is None:  # a redirect or a 304: the document promises no body
            return
        if response.mimetype != "application/json":
            kinds = {kind.split("/")[0] + "/*" for kind in (response.mimetype,)}
            if response.mimetype not in content and not kinds & set(content):
                self.problems.append(
                    f"{where}: answered {response.mimetype}, documented {sorted(content)}"
                )
            return  # a file: nothing to check against a JSON schema
        if "application/json" not in content:
            self.problems.append(f"{where}: answered JSON, documented {sorted(content)}")
            return
        schema = content["application/json"]["schema"]
        encoding = response.headers.get("Content-Encoding")
        if response.is_streamed:
            response.response = self._check_when_read(where, schema, response.response, encoding)
        else:
            self.problems.extend(self.problems_with(where, schema, response.get_data(), encoding))

    def _check_when_read(
        self, where: str, schema: dict, chunks: Iterable, encoding: str | None
    ) -> Iterator:
        """Pass a streamed body through unchanged, and check it once it has all been read."""
        seen = []
        try:
            for chunk in chunks:
                seen.append(chunk if isinstance(chunk, bytes) else chunk.encode())
                yield chunk
            self.problems.extend(self.problems_with(where, schema, b"".join(seen), encoding))
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
