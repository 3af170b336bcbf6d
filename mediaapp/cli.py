"""Command-line tools, registered in the factory."""

import click
from flask import Flask

from .identity import Owner
from .services import accounts

DEMO_EMAIL = "demo@mediaapp.local"
DEMO_PASSWORD = "mediaapp-demo"


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option(
        "--email",
        default=DEMO_EMAIL,
        show_default=True,
        help="The account to fill; created if it does not exist.",
    )
    @click.option(
        "--password",
        default=DEMO_PASSWORD,
        show_default=True,
        help="Password for the account when it is created.",
    )
    @click.option(
        "--count",
        default=60,
        show_default=True,
        type=click.IntRange(1, 10_000),
        help="How many items.",
    )
    def seed_demo(email: str, password: str, count: int) -> None:
        """Fill an account's history with demo images and videos (idempotent)."""
        from .services.demo import seed_demo_history  # pulls in the demo catalogue

        user, created = accounts.get_or_create_user(email, password)
        added = seed_demo_history(Owner(user_id=user.id), count=count)
        click.echo(
            f"{'Created' if created else 'Using'} account {user.email}; added {added} demo items."
        )
        if created:
            click.echo(f"Log in at /login with {user.email} / {password}")
