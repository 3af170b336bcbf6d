"""The migrations build the schema the models describe, both ways."""

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from mediaapp import create_app
from mediaapp.extensions import db
from tests.conftest import BASE_CONFIG, empty_database_url


@pytest.fixture
def empty_app(database_url, tmp_path):
    url = empty_database_url(database_url, tmp_path, "migrations")
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})


def _pending_changes(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    if conn.dialect.name == "sqlite":
        # SQLite's reflection cannot describe "created_at DESC" index columns, so alembic
        # reports the keyset indexes as changed, and the trigram and stored-bytes indexes are
        # PostgreSQL-only;
        # PostgreSQL, which has all of them, is checked strictly.
        diff = [
            d
            for d in diff
            if not (
                isinstance(d, tuple)
                and d[0] in ("add_index", "remove_index")
                and d[1].name.endswith(("_recent", "_trash", "_trgm", "_missing", "_bytes"))
            )
        ]
    return diff


def _tables(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_downgrade_upgrade_round_trips_on_an_empty_database(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        after_downgrade = _tables(empty_app)
        flask_migrate.upgrade()

    assert after_downgrade <= {"alembic_version"}
    assert {"users", "generated_media"} <= _tables(empty_app)


def test_the_models_and_the_migrated_schema_agree(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()

    assert _pending_changes(empty_app) == []


@pytest.mark.postgresql_only
def test_postgresql_gets_jsonb_and_the_media_type_enum(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()
        columns = {
            c["name"]: c["type"] for c in sa.inspect(db.engine).get_columns("generated_media")
        }

    assert type(columns["settings"]).__name__ == "JSONB"
    assert getattr(columns["type"], "name", None) == "media_type"


def test_the_database_refuses_media_without_an_owner_id(app):
    with app.app_context(), pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.text(
                "INSERT INTO generated_media (id, type, url, prompt, model, settings) "
                "VALUES ('00000000000000000000000000000001', 'image', '/x', 'p', 'm', '{}')"
            )
        )
        db.session.commit()
    with app.app_context():
        db.session.rollback()
