"""Command-line tools, registered in the factory."""

import json
import signal
import sys
import threading
from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup

from . import jobs
from .identity import Owner
from .schemas import JsonProblem, decode_json
from .services import accounts, archive, media, transfer
from .services.demo import seed_demo_history

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
        user, created = accounts.get_or_create_user(email, password)
        added = seed_demo_history(Owner.account(user.id), count=count)
        click.echo(
            f"{'Created' if created else 'Using'} account {user.email}; added {added} demo items."
        )
        if created:
            click.echo(f"Log in at /login with {user.email} / {password}")

    media_cli = AppGroup("media", help="Maintain media histories.")

    @media_cli.command("purge-trash")
    @click.option(
        "--older-than",
        "days",
        default=30,
        show_default=True,
        type=click.IntRange(0, 36500),
        help="Days an item has sat in the trash.",
    )
    def purge_trash(days: int) -> None:
        """Destroy, for every owner, items that have been in the trash longer than DAYS."""
        removed = media.purge_trash(timedelta(days=days))
        click.echo(f"Purged {removed} items trashed more than {days} days ago.")

    @media_cli.command("worker")
    @click.option(
        "--once", is_flag=True, help="Run the jobs that are due, then exit (for cron or tests)."
    )
    def worker(once: bool) -> None:
        """Run background jobs (archiving) until stopped; start as many as you like."""
        if once:
            click.echo(f"Ran {jobs.run_due()} jobs.")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        click.echo("Worker running; stop it with Ctrl+C or SIGTERM.")
        jobs.work(app, stop)

    @media_cli.command("metrics-server")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
    @click.option("--port", default=9464, show_default=True, type=click.IntRange(1, 65535))
    def metrics_server(host: str, port: int) -> None:
        """Serve Prometheus metrics on their own port (off the public one) until stopped.

        With PROMETHEUS_MULTIPROC_DIR shared with the gunicorn workers and `media worker`
        processes of this host, it exports all of their counts; the queue comes from the
        database either way.
        """
        from prometheus_client import start_http_server

        from .metrics import multiprocess_dir, scrape_registry

        if not multiprocess_dir():
            click.echo(
                "PROMETHEUS_MULTIPROC_DIR is not set: only the job queue is exported "
                "(request and job counts live in the processes that made them).",
                err=True,
            )
        server, thread = start_http_server(port, addr=host, registry=scrape_registry(app))
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        click.echo(f"Metrics on http://{host}:{server.server_port}/metrics")
        stop.wait()
        server.shutdown()
        thread.join(timeout=5)

    @media_cli.command("archive")
    @click.option(
        "--backfill",
        is_flag=True,
        required=True,
        help="Queue every record that has no stored copy yet.",
    )
    def archive_(backfill: bool) -> None:
        """Queue archive jobs for records without a stored copy (the worker runs them)."""
        click.echo(f"Queued {archive.backfill()} records to archive.")

    @media_cli.command("export")
    @click.option("--email", required=True, help="Whose history.")
    @click.option("--output", type=click.File("w"), default="-", help="File (default stdout).")
    def export(email: str, output) -> None:
        """Write an account's whole history as JSON (the API's export format)."""
        owner = Owner.account(_user_or_exit(email).id)
        for chunk in transfer.export_json(owner):
            output.write(chunk)
        output.write("\n")

    @media_cli.command("import")
    @click.option("--email", required=True, help="Into whose history.")
    @click.argument("source", type=click.File("r"))
    def import_(email: str, source) -> None:
        """Import a JSON export (or a list of items) into an account; idempotent."""
        owner = Owner.account(_user_or_exit(email).id)
        try:
            items = transfer.items_of(decode_json(source.read()))
        except JsonProblem as exc:
            message = f"{source.name} is not JSON that mediaapp reads: {exc}"
            raise click.ClickException(message) from exc
        if items is None:
            raise click.ClickException(transfer.NOT_A_HISTORY)
        outcome = transfer.import_history(owner, items)
        click.echo(", ".join(f"{outcome[s]} {s}" for s in transfer.IMPORT_STATUSES))
        for result in outcome["results"]:
            if result["status"] == "rejected":
                click.echo(f"item {result['index']}: {json.dumps(result['details'])}", err=True)

    app.cli.add_command(media_cli)


def _user_or_exit(email: str):
    user = accounts.find_user(email)
    if user is None:
        click.echo(f"No account with email {email}.", err=True)
        sys.exit(1)
    return user
