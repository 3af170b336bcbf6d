"""app:app under pyinstrument, for bench/profile.py; not part of the application.

Every request is sampled (wall clock, 0.1 ms) into one profile per worker, from the first
byte the WSGI server hands over to the last byte of the answer. `/__profile__/reset` starts
afresh; `/__profile__/report` answers the profile so far as pyinstrument's JSON. Run it with
one sync worker, so all requests land in the same profile.
"""

from pyinstrument import Profiler
from pyinstrument.renderers import JSONRenderer

from app import app as flask_app

_profiler = Profiler(interval=0.0001)


def app(environ, start_response):
    global _profiler
    path = environ.get("PATH_INFO", "")
    if path == "/__profile__/reset":
        _profiler = Profiler(interval=0.0001)
        return _answer(start_response, b"{}")
    if path == "/__profile__/report":
        # Every frame, however small: the small costs are what the report adds up.
        renderer = JSONRenderer(processor_options={"filter_threshold": 0})
        return _answer(start_response, _profiler.output(renderer).encode())
    _profiler.start()
    try:
        body = b"".join(flask_app(environ, start_response))
    finally:
        _profiler.stop()
    return [body]


def _answer(start_response, payload: bytes):
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    )
    return [payload]
