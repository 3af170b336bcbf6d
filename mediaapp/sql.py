"""SQL helpers shared by the services and the job queue."""

from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def dialect_insert(table):
    """INSERT with the dialect's ON CONFLICT support (PostgreSQL and SQLite both have it)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
