"""SQL helpers shared by the services and the job queue."""

import functools

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def dialect_insert(table):
    """INSERT with the dialect's ON CONFLICT support (PostgreSQL and SQLite both have it)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def reads_outside_a_transaction(view):
    """Run a view that only reads in autocommit, on PostgreSQL.

    A read inside a transaction costs one round trip more than the read: psycopg2 opens the
    transaction with the first statement and the session's close at the end of the request
    rolls it back. A view that only reads (its identity lookup included) has nothing to roll
    back, so its connection runs without one. A statement that writes on the way (a new
    guest's row, a session's expiry moving forward) commits on its own, as it would have.

    The driver's own flag is set, not SQLAlchemy's isolation_level option, which costs two
    round trips; every connection gets the flag cleared as it goes back to the pool
    (keep_transactions_on_checkin), so no other request ever runs in autocommit. A request
    that has already opened a transaction before the view (an API key's lookup) runs in it.
    """

    @functools.wraps(view)
    def run(*args, **kwargs):
        if db.engine.dialect.driver == "psycopg2":
            dbapi_connection = db.session.connection().connection.dbapi_connection
            # Only outside a transaction: one the request already opened (an API key's lookup
            # before the view) keeps its statements, and ends as it would have.
            if dbapi_connection is not None and not _in_transaction(dbapi_connection):
                dbapi_connection.autocommit = True
        return view(*args, **kwargs)

    return run


def _in_transaction(dbapi_connection) -> bool:
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE

    return dbapi_connection.info.transaction_status != TRANSACTION_STATUS_IDLE


def keep_transactions_on_checkin(engine) -> None:
    """Clear psycopg2's autocommit flag on every connection returned to the pool."""

    def clear(dbapi_connection, _record):
        if dbapi_connection is not None and dbapi_connection.autocommit:  # None: invalidated
            dbapi_connection.autocommit = False

    sa.event.listen(engine, "checkin", clear)
