"""Ping a pooled connection only when it has been idle, instead of before every checkout.

`pool_pre_ping` costs one round trip per checkout, on every request (a save checks out
twice). A connection handed back moments ago is almost always alive; one that sat idle may
have died while the database restarted. So a connection idle for `idle_seconds` or more is
pinged at checkout, and a dead one is replaced before the request sees it (the pool retries
with a fresh connection, as pre_ping does). A connection that dies while in use fails its
request, which answers 503, and SQLAlchemy's disconnect handling then invalidates every
connection of the pool, so the next requests connect afresh.
"""

import time
import weakref

import sqlalchemy as sa

CHECKED_IN_AT = "mediaapp_checked_in_at"
_installed: weakref.WeakSet = weakref.WeakSet()


def ping_idle_connections(engine: sa.Engine, idle_seconds: float) -> None:
    """Install the checkin and checkout listeners on engine (once per engine)."""
    if engine in _installed:
        return
    _installed.add(engine)
    dialect = engine.dialect

    def note_checkin(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[CHECKED_IN_AT] = time.monotonic()

    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        since = record.info.get(CHECKED_IN_AT)
        if since is None or time.monotonic() - since < idle_seconds:
            return  # new, or handed back moments ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as exc:  # noqa: BLE001  (whatever failed, the connection is no use)
            raise sa.exc.InvalidatePoolError("an idle connection failed its ping") from exc
        if not alive:
            # As pre_ping does: the database went away, so every older connection is suspect.
            raise sa.exc.InvalidatePoolError("an idle connection failed its ping")

    sa.event.listen(engine, "checkin", note_checkin)
    sa.event.listen(engine, "checkout", ping_if_idle)
