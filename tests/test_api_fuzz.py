"""schemathesis over the whole OpenAPI document, in-process against the WSGI app, on both
backends: every operation with generated valid and invalid input, anonymous and as a guest
who owns items, then stateful sequences that follow the document's links (save, then fetch,
star, share, trash and restore by the id it answered).

Any 5xx, any answer that breaks its documented schema, content type or headers, and any
status the document does not give the operation fails the test. The number of examples is
bounded and the generation derandomized, so a run is repeatable and takes the same time.
"""

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import stateful
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mediaapp.extensions import db
from tests.conftest import TABLES, image_payload, save, video_payload
from tests.helpers import saved_id
from tests.test_api_statuses import DOCUMENT, OPERATIONS

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Across a sequence: what a save created can be fetched by the id it answered. (Not
# use_after_free: a delete here moves to the trash, and a restore brings the item back.)
STATEFUL_CHECKS = [*CHECKS, ensure_resource_availability]

EXAMPLES = 10  # per operation, mode and identity
SEQUENCES, STEPS = 15, 8  # stateful: scenarios per identity, calls per scenario
FUZZ_SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": list(HealthCheck),
    "phases": [Phase.explicit, Phase.generate],
}

# Negative generation needs something to make invalid: a parameter or a body.
TAKES_INPUT = sorted(
    key
    for key in sorted(OPERATIONS)
    if {"parameters", "requestBody"} & set(DOCUMENT["paths"][key[1]][key[0]])
)
# Invalid input is fuzzed anonymously; the guest (whose state it would only destroy sooner)
# fuzzes valid input against a history that has something in it.
CASES = [
    *(
        (who, m, p, GenerationMode.POSITIVE)
        for who in ("anonymous", "guest")
        for m, p in sorted(OPERATIONS)
    ),
    *(("anonymous", m, p, GenerationMode.NEGATIVE) for m, p in TAKES_INPUT),
]
# What a sequence may change; the guest itself (and its cookie) stays.
OWNED_TABLES = tuple(table for table in TABLES if table not in ("guests", "users"))
_SCHEMAS: dict[int, schemathesis.schemas.BaseSchema] = {}


def api_schema(app):
    """The document as schemathesis reads it from the app itself (one per backend's app)."""
    if id(app) not in _SCHEMAS:
        _SCHEMAS[id(app)] = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return _SCHEMAS[id(app)]


def give_items(client) -> None:
    """A favorite image, a shared video and an item in the trash, for the client's owner."""
    favorite, shared, trashed = (
        saved_id(save(client, payload))
        for payload in (image_payload(), video_payload(requestId="fuzz-video"), image_payload())
    )
    assert client.patch(f"/api/media/{favorite}", json={"favorite": True}).status_code == 200
    assert client.post(f"/api/media/{shared}/share").status_code == 201
    assert client.delete(f"/api/media/{trashed}").status_code == 200


@pytest.fixture
def identity(request, app) -> dict[str, dict[str, str]]:
    """How each request is sent: with no cookie (every request a new visitor), or with the
    session cookie of a guest who owns items (give_items). A Cookie header would be dropped:
    the test client sends its own cookie jar."""
    # Uncompressed answers: schemathesis reads the body as the WSGI app sends it, and the
    # compression of text answers has tests of its own (tests/test_compression.py).
    plain = {"headers": {"Accept-Encoding": "identity"}}
    if request.param == "anonymous":
        return plain
    client = app.test_client()
    give_items(client)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return {**plain, "cookies": {cookie.key: cookie.value}}


@pytest.mark.parametrize(
    ("identity", "method", "path", "mode"),
    CASES,
    ids=[f"{who}-{m.upper()} {p}-{g.value}" for who, m, p, g in CASES],
    indirect=["identity"],
)
def test_every_operation_answers_as_documented(app, identity, method, path, mode):
    operation = api_schema(app)[path][method.upper()]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, **FUZZ_SETTINGS)
    def call(case):
        case.call_and_validate(checks=CHECKS, **identity)

    call()


# Only as the guest: an anonymous caller is a new owner on every request, with nothing to
# follow a link to.
@pytest.mark.parametrize("identity", ["guest"], indirect=True)
def test_sequences_that_follow_the_links_answer_as_documented(app, identity, monkeypatch):
    # schemathesis reads a save's optional projectId, fileId and requestId as references to
    # resources nothing produces, so it would never start a sequence with a save (the
    # operation every link starts from). Start from any POST that has links, as its own
    # RESTful rule does (only operations with links are candidates).
    monkeypatch.setattr(
        stateful,
        "is_likely_root_transition",
        lambda operation, node, produced: (
            operation.method == "post"
            or (operation.method == "get" and not operation.path_parameters)
        ),
    )
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])
    # Only the document's own links: inferred ones guess that a share's id is a media id.
    schema.config.phases.stateful.inference.algorithms = []
    base = schema.as_state_machine()

    class Sequences(base):
        def setup(self):
            # Every sequence starts from the same history, so Hypothesis can replay one.
            with app.app_context():
                db.session.remove()
                with db.engine.begin() as conn:
                    for table in OWNED_TABLES:
                        conn.execute(sa.text(f"DELETE FROM {table}"))
            client = app.test_client()
            for name, value in identity["cookies"].items():
                client.set_cookie(name, value)
            give_items(client)

        def get_call_kwargs(self, case):
            return identity

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=STATEFUL_CHECKS, transport_kwargs=kwargs)

    Sequences.run(
        settings=settings(max_examples=SEQUENCES, stateful_step_count=STEPS, **FUZZ_SETTINGS)
    )


def test_the_document_links_a_save_to_what_can_be_done_with_it():
    links = DOCUMENT["paths"]["/api/media/save"]["post"]["responses"]["201"]["links"]
    share = DOCUMENT["paths"]["/api/media/{media_id}/share"]["post"]["responses"]["201"]

    assert {link["operationId"] for link in links.values()} >= {
        "get_media",
        "update_media",
        "delete_media",
        "create_share",
    }
    assert share["links"]["OpenShared"]["parameters"] == {"token": "$response.body#/data/token"}
