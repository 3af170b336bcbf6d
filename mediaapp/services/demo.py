"""A realistic demo history built from the media files shipped under static/demo/."""

import json
import random
import uuid
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app

from ..extensions import db
from ..identity import Owner
from ..models import GeneratedMedia as GM
from ..models import utcnow
from ..sql import dialect_insert
from ..variants import variant_key
from . import archive

DEFAULT_COUNT = 60
MANIFEST = Path("demo") / "manifest.json"  # under the static folder, beside the files


@cache
def _load_manifest(path: str) -> dict[str, tuple[dict[str, Any], ...]]:
    with open(path, encoding="utf-8") as fh:
        document = json.load(fh)
    return {kind: tuple(document[kind]) for kind in ("images", "videos")}


def demo_manifest() -> dict[str, tuple[dict[str, Any], ...]]:
    """The demo items, `{"images": (...), "videos": (...)}`, each with `file` (a path under
    the static folder), `prompt`, `model`, `settings` and, for a video, `poster`.

    Read from static/demo/manifest.json once per process.
    """
    return _load_manifest(str(Path(current_app.static_folder) / MANIFEST))


def seed_demo_history(owner: Owner, *, count: int = DEFAULT_COUNT, days: int = 42) -> int:
    """Give the owner `count` demo items spread over the last `days` days, and commit.

    Idempotent: every item has a fixed requestId (`demo-<n>`), so running it again adds
    nothing. Returns how many items were added.
    """
    manifest = demo_manifest()
    images, videos = manifest["images"], manifest["videos"]
    rng = random.Random(7)  # the same history every time
    static = current_app.static_url_path
    now = utcnow()
    rows = []
    for n in range(count):
        # Roughly one video in five, as in a typical image-heavy generation history.
        if n % 5 == 4:
            item = videos[(n // 5) % len(videos)]
            thumbnail = f"{static}/{item['poster']}"
        else:
            item = images[(n - n // 5) % len(images)]
            thumbnail = None
        kind = "video" if "poster" in item else "image"
        settings = {**item["settings"], "seed": rng.randrange(1, 2**31)}
        age = timedelta(days=days) * (n / count) + timedelta(minutes=rng.randrange(0, 600))
        rows.append(
            {
                "id": uuid.uuid4(),
                **owner.owner_columns(),
                "type": kind,
                "url": f"{static}/{item['file']}",
                "thumbnail_url": thumbnail,
                "prompt": item["prompt"],
                "model": item["model"],
                "settings": settings,
                "project_id": "demo",
                "request_id": f"demo-{n}",
                "file_id": None,
                "created_at": now - age,
                "variant_key": variant_key(kind, item["prompt"], item["model"], settings),
            }
        )
    added = db.session.execute(
        dialect_insert(GM).values(rows).on_conflict_do_nothing().returning(GM.id, GM.url)
    ).all()
    for media_id, url in added:  # the demo files are archived from the static folder
        archive.queue_archive(owner, media_id, url)
    db.session.commit()
    return len(added)
