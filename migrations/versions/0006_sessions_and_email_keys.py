"""revocable sessions, and email addresses that look-alikes cannot duplicate

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

`sessions` holds one row per signed-in browser (the digest of the secret its cookie carries),
so a session ends the moment its row goes. Cookies from before this revision carry no session
secret, so every account signs in once more after the upgrade.

`users.email` is re-normalised (NFKC + casefold, as credentials.normalize_email does now) and
gains `email_key`, the digest of its confusables skeleton, under a unique constraint. Should
two existing accounts already clash (only possible if a look-alike registered before this
revision), the older keeps the plain key, and the newer gets its key salted with its own id: it
goes on working, and no new account can take either address.
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _fill_email_keys() -> None:
    from mediaapp.credentials import email_key, normalize_email

    conn = op.get_bind()
    users = sa.table(
        "users",
        sa.column("id", sa.Uuid()),
        sa.column("email", sa.String()),
        sa.column("email_key", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = conn.execute(
        sa.select(users.c.id, users.c.email).order_by(users.c.created_at, users.c.id)
    ).all()
    emails = {row.email for row in rows}
    keys: set[str] = set()
    for row in rows:
        email = normalize_email(row.email)
        if email != row.email and (email in emails or len(email) > 254):
            email = row.email  # another account already has the normalised form: keep this one
        key = email_key(email)
        if key in keys:
            key = hashlib.sha256(f"{key}:{row.id}".encode()).hexdigest()
        keys.add(key)
        emails.add(email)
        conn.execute(
            sa.update(users).where(users.c.id == row.id).values(email=email, email_key=key)
        )


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_key", sa.String(length=64), nullable=True))
    _fill_email_keys()
    with op.batch_alter_table("users") as batch:
        batch.alter_column("email_key", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint("uq_users_email_key", ["email_key"])

    op.create_table(
        "sessions",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("secret_digest", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name="fk_sessions_owner_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("owner_id", "secret_digest", name="pk_sessions"),
    )


def downgrade() -> None:
    op.drop_table("sessions")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_email_key", type_="unique")
        batch.drop_column("email_key")
