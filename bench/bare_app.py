"""The yardstick: a bare WSGI handler (psycopg2 + json) doing the same keyset list and save.

Run under gunicorn by bench/run.py; not part of the application.
"""

import json
import os
import uuid

import psycopg2
import psycopg2.extras

psycopg2.extras.register_uuid()
_conn = None

LIST_SQL = """
    SELECT id, type, url, prompt, model, settings, project_id, request_id, file_id,
           thumbnail_url, created_at, user_id, favorite, deleted_at
    FROM generated_media
    WHERE owner_id = %s AND deleted_at IS NULL
    ORDER BY created_at DESC, id DESC LIMIT 51
"""
INSERT_SQL = """
    INSERT INTO generated_media (id, owner_id, user_id, type, url, prompt, model, settings,
                                 created_at)
    VALUES (%(id)s, %(owner)s, %(owner)s, 'image', %(url)s, %(prompt)s, %(model)s,
            %(settings)s, now()) RETURNING id
"""
COLUMNS = (
    "id",
    "type",
    "url",
    "prompt",
    "model",
    "settings",
    "projectId",
    "requestId",
    "fileId",
    "thumbnailUrl",
    "createdAt",
    "userId",
    "favorite",
    "deletedAt",
)


def connection():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg2.connect(os.environ["DATABASE_URL"])
    return _conn


def app(environ, start_response):
    owner = environ.get("QUERY_STRING", "").removeprefix("owner=")
    conn = connection()
    with conn.cursor() as cur:
        if environ["REQUEST_METHOD"] == "POST":
            body = json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
            cur.execute(
                INSERT_SQL,
                {
                    "id": uuid.uuid4(),
                    "owner": owner,
                    "url": body["url"],
                    "prompt": body["prompt"],
                    "model": body["model"],
                    "settings": json.dumps(body["settings"]),
                },
            )
            data = {"id": str(cur.fetchone()[0])}
            status = "201 Created"
        else:
            cur.execute(LIST_SQL, (owner,))
            rows = cur.fetchall()
            data = [dict(zip(COLUMNS, row, strict=True)) for row in rows[:50]]
            for item in data:
                item["id"], item["userId"] = str(item["id"]), str(item["userId"])
                item["createdAt"] = item["createdAt"].isoformat()
            status = "200 OK"
    conn.commit()
    payload = json.dumps({"success": True, "data": data}).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    )
    return [payload]
