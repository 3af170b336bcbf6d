"""`flask seed-demo` fills an account with a demo history whose files ship with the app."""

import ast
from pathlib import Path

import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.models import GeneratedMedia as GM
from mediaapp.models import User
from mediaapp.services.demo import demo_manifest

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"


def _history(app):
    with app.app_context():
        return db.session.execute(
            sa.select(GM.type, GM.url, GM.thumbnail_url, GM.created_at)
            .join(User, User.id == GM.user_id)
            .where(User.email == "demo@mediaapp.local")
        ).all()


def test_seed_demo_creates_the_demo_account_with_a_mixed_history(runner, app):
    result = runner.invoke(args=["seed-demo", "--count", "30"])

    assert result.exit_code == 0, result.output
    assert "demo@mediaapp.local" in result.output
    rows = _history(app)
    assert len(rows) == 30
    assert {r.type for r in rows} == {"image", "video"}


def test_seed_demo_history_spans_weeks(runner, app):
    runner.invoke(args=["seed-demo", "--count", "40"])

    dates = sorted(r.created_at for r in _history(app))

    assert (dates[-1] - dates[0]).days >= 21


def test_every_demo_file_exists_locally(runner, app):
    runner.invoke(args=["seed-demo", "--count", "60"])

    for row in _history(app):
        for url in (row.url, row.thumbnail_url):
            if url:
                assert url.startswith("/static/")
                assert (STATIC / url.removeprefix("/static/")).is_file(), url


def test_every_file_the_demo_manifest_names_exists_under_static(app):
    with app.app_context():
        manifest = demo_manifest()

    assert len(manifest["images"]) == 24
    assert len(manifest["videos"]) == 6
    named = [item["file"] for item in manifest["images"]]
    named += [path for item in manifest["videos"] for path in (item["file"], item["poster"])]
    for path in named:
        assert (STATIC / path).is_file(), path


def test_seeding_twice_adds_nothing_the_second_time(runner, app):
    runner.invoke(args=["seed-demo", "--count", "10"])

    result = runner.invoke(args=["seed-demo", "--count", "10"])

    assert "added 0 demo items" in result.output
    assert len(_history(app)) == 10


def test_the_demo_account_can_log_in_with_the_printed_password(runner, client):
    runner.invoke(args=["seed-demo", "--count", "5"])

    response = client.post(
        "/api/auth/login", json={"email": "demo@mediaapp.local", "password": "mediaapp-demo"}
    )

    assert response.status_code == 200
    assert len(client.get("/api/media/list").get_json()["data"]) == 5


def test_the_cli_imports_services_not_blueprints():
    tree = ast.parse((ROOT / "mediaapp" / "cli.py").read_text())
    modules = [
        ("." * node.level) + (node.module or "")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    ]
    modules += [
        a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names
    ]

    forbidden = (".api", ".gallery", "mediaapp.api", "mediaapp.gallery")
    assert [m for m in modules if m.startswith(forbidden)] == []
