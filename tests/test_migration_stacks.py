"""Revision `stacks` on a database with media: every existing row gets its variant key (the
one the app would give it), and downgrading takes the column away again."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import flask_migrate
import pytest
import sqlalchemy as sa

from mediaapp import create_app
from mediaapp.extensions import db
from mediaapp.variants import variant_key
from tests.conftest import BASE_CONFIG, empty_database_url

T0 = datetime(2026, 1, 1, tzinfo=UTC)
# The revision `stacks` follows, whichever it is.
BEFORE = "stacks-1"
OWNERS = (uuid.UUID(int=1), uuid.UUID(int=2))
# (owner, prompt, settings): the first three are one stack of the first owner's.
ROWS = [
    (OWNERS[0], "a fox", {"style": "ink", "seed": 1}),
    (OWNERS[0], "a fox", {"seed": 2, "style": "ink"}),
    (OWNERS[0], "a fox", {"style": "ink"}),
    (OWNERS[0], "a fox", {"style": "oil", "seed": 1}),
    (OWNERS[1], "a fox", {"style": "ink", "seed": 3}),
    (OWNERS[1], "an owl", {"style": "ink", "seed": 3}),
]


def _media():
    return sa.table(
        "generated_media",
        sa.column("owner_id", sa.Uuid()),
        sa.column("id", sa.Uuid()),
        sa.column("type", sa.String()),
        sa.column("url", sa.String()),
        sa.column("prompt", sa.String()),
        sa.column("model", sa.String()),
        sa.column("settings", sa.JSON()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )


# Rows after ROWS, so the backfill runs over more than one batch (BATCH = 2,000).
FILLER = 4100


@pytest.fixture
def before_stacks(database_url, tmp_path):
    """An app whose database holds ROWS, then FILLER rows of a third owner, just before
    `stacks`."""
    url = empty_database_url(database_url, tmp_path, "stacks")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        db.session.execute(
            sa.insert(_media()),
            [
                {
                    "owner_id": owner,
                    "id": uuid.uuid4(),
                    "type": "image",
                    "url": "/x.png",
                    "prompt": prompt,
                    "model": "flux",
                    "settings": settings,
                    "created_at": T0 + timedelta(minutes=n),
                }
                for n, (owner, prompt, settings) in enumerate(ROWS)
            ]
            + [
                {
                    "owner_id": uuid.UUID(int=3),
                    "id": uuid.uuid4(),
                    "type": "video",
                    "url": "/x.mp4",
                    "prompt": f"filler {n % 50}",
                    "model": "veo",
                    "settings": {"seed": n},
                    "created_at": T0 + timedelta(days=1, seconds=n),
                }
                for n in range(FILLER)
            ],
        )
        db.session.commit()
        db.session.remove()
    return app


def _keys(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            sa.text(
                "SELECT owner_id, prompt, settings, variant_key FROM generated_media "
                "ORDER BY created_at"
            )
        ).all()
        db.session.remove()
    return rows


def test_upgrading_keys_every_existing_row_as_the_app_would(before_stacks):
    with before_stacks.app_context():
        flask_migrate.upgrade()

    rows = _keys(before_stacks)[: len(ROWS)]
    for row, (_, prompt, settings) in zip(rows, ROWS, strict=True):
        assert row.variant_key == variant_key("image", prompt, "flux", settings)
    keys = [row.variant_key for row in rows]
    assert keys[0] == keys[1] == keys[2] == keys[4]  # the other owner's copy shares the key
    assert len({keys[0], keys[3], keys[5]}) == 3


def test_upgrading_keys_rows_past_the_first_batches(before_stacks):
    with before_stacks.app_context():
        flask_migrate.upgrade()

    filler = _keys(before_stacks)[len(ROWS) :]
    assert len(filler) == FILLER
    assert {row.variant_key for row in filler} == {
        variant_key("video", f"filler {n}", "veo", {}) for n in range(50)
    }


def test_after_upgrading_the_old_rows_list_as_stacks(before_stacks):
    with before_stacks.app_context():
        flask_migrate.upgrade()
        from mediaapp.identity import Owner
        from mediaapp.services.media import list_media

        page = list_media(Owner(id=OWNERS[0], is_guest=True), _grouped())
        db.session.remove()

    assert [(row.settings["style"], row.stack_count) for row in page.items] == [
        ("oil", 1),
        ("ink", 3),
    ]


def _grouped():
    from mediaapp.schemas import MediaFilters

    return MediaFilters(stack="variants")


def test_downgrading_removes_the_key_and_upgrading_again_restores_it(before_stacks):
    with before_stacks.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision=BEFORE)
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("generated_media")}
        indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("generated_media")}
        db.session.remove()
        flask_migrate.upgrade()

    assert "variant_key" not in columns
    assert "ix_generated_media_variant_recent" not in indexes
    assert all(row.variant_key for row in _keys(before_stacks))
    assert json.dumps(ROWS[0][2])  # the rows survived the round trip
