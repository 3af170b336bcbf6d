"""The OpenAPI document is valid and describes every API route."""

import re

import pytest
from openapi_spec_validator import validate

from mediaapp.schemas import is_safe_media_url
from tests.conftest import image_payload, save, video_payload

ERROR_FIELDS = {"success", "error", "code", "details"}


def test_the_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    validate(response.get_json())


def test_every_api_route_is_in_the_openapi_document(app, client):
    paths = client.get("/api/openapi.json").get_json()["paths"]

    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in paths, f"{rule.rule} is missing"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], f"{method} {rule.rule} is missing"


def test_the_save_schema_in_the_document_uses_the_wire_names(client):
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]

    assert {"projectId", "requestId", "thumbnailUrl", "settings"} <= set(
        schemas["SaveMedia"]["properties"]
    )
    assert set(schemas["SaveMedia"]["required"]) == {"type", "url", "prompt", "model", "settings"}


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_has_a_unique_operation_id_named_after_its_view(app, client):
    document = client.get("/api/openapi.json").get_json()
    endpoints = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower()): rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    ids = {(path, method): op["operationId"] for path, method, op in _operations(document)}

    assert ids == {key: endpoint.removeprefix("api.") for key, endpoint in endpoints.items()}


def test_a_route_without_a_declaration_makes_the_document_fail():
    from flask import Blueprint, Flask

    from mediaapp.api.openapi import MissingDeclaration, build_spec

    undeclared = Flask(__name__)
    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.add_url_rule("/things", "list_things", lambda: "[]")
    undeclared.register_blueprint(bp)

    with undeclared.app_context(), pytest.raises(MissingDeclaration, match="api.list_things"):
        build_spec()


@pytest.mark.parametrize(
    ("target", "parameters", "problem"),
    [
        ("no_such_view", {"media_id": "$response.body#/data/id"}, "no no_such_view"),
        ("get_media", {"share_id": "$response.body#/data/id"}, "takes no ['share_id']"),
    ],
)
def test_a_link_to_an_operation_that_cannot_take_it_makes_the_document_fail(
    target, parameters, problem
):
    from flask import Blueprint, Flask

    from mediaapp.api.contract import link, operation
    from mediaapp.api.openapi import MissingDeclaration, build_spec

    linked = Flask(__name__)
    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.add_url_rule(
        "/things",
        "save",
        operation(
            "Save.",
            scope="write",
            responses={201: ("Saved.", None)},
            links={201: {"Next": link(target, "Next.", **parameters)}},
        )(lambda: "{}"),
        methods=["POST"],
    )
    bp.add_url_rule(
        "/things/<uuid:media_id>",
        "get_media",
        operation("Get.", scope="read", responses={200: ("It.", None)})(lambda media_id: "{}"),
    )
    linked.register_blueprint(bp)

    with linked.app_context(), pytest.raises(MissingDeclaration, match=re.escape(problem)):
        build_spec()


def test_flask_rules_become_openapi_paths():
    from mediaapp.api.openapi import openapi_path

    assert openapi_path("/api/media/<media_id>/restore") == "/api/media/{media_id}/restore"
    assert openapi_path("/api/x/<int:n>/<path:rest>") == "/api/x/{n}/{rest}"


def test_every_success_answer_has_a_schema_that_names_its_fields(client):
    document = client.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    for path, method, operation in _operations(document):
        if path == "/api/openapi.json":
            continue  # the document itself is free-form
        for status, response in operation["responses"].items():
            content = response.get("content", {})
            if "application/json" not in content:  # a file, a redirect or a 304
                assert all(c["schema"]["format"] == "binary" for c in content.values()), path
                assert int(status) < 400, f"{method.upper()} {path} {status}"
                continue
            ref = content["application/json"]["schema"]["$ref"]
            schema = schemas[ref.rsplit("/", 1)[1]]
            where = f"{method.upper()} {path} {status}"
            assert schema["additionalProperties"] is False, where
            expected = {"success", "data"} if int(status) < 400 else ERROR_FIELDS
            assert expected <= set(schema["required"]), where


def test_unsafe_methods_document_the_cross_site_refusal_and_bodies_their_limits(client):
    document = client.get("/api/openapi.json").get_json()

    for path, method, operation in _operations(document):
        statuses = set(operation["responses"])
        if method in ("post", "put", "patch", "delete"):
            assert "403" in statuses, f"{method} {path}"
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= statuses, f"{method} {path}"
        else:
            assert not {"413", "415"} & statuses, f"{method} {path}"


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/media/save", "post", {"200", "201", "401", "409"}),
        ("/api/auth/register", "post", {"201", "409", "429"}),
        ("/api/auth/login", "post", {"200", "401", "429"}),
        ("/api/media/list", "get", {"200", "400", "503"}),
    ],
)
def test_the_statuses_the_services_raise_are_documented(client, path, method, statuses):
    document = client.get("/api/openapi.json").get_json()

    documented = set(document["paths"][path][method]["responses"])

    assert statuses <= documented


@pytest.mark.parametrize(
    ("path", "method", "component", "field", "type_"),
    [
        ("/api/media/trash/empty", "post", "TrashEmptied", "deleted", "integer"),
        ("/api/media/prune", "post", "Pruned", "trashed", "integer"),
        ("/api/shares/{share_id}", "delete", "Revoked", "revoked", "string"),
        ("/api/auth/logout", "post", "LoggedOut", "user", "object"),
    ],
)
def test_small_answers_have_their_own_schema(client, path, method, component, field, type_):
    document = client.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    answer = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]

    envelope = schemas[answer["schema"]["$ref"].rsplit("/", 1)[1]]
    assert envelope["properties"]["data"] == {"$ref": f"#/components/schemas/{component}"}
    assert schemas[component]["properties"][field]["type"] == type_
    assert schemas[component]["required"] == [field]


AUTH_ANSWERS = [
    ("/api/auth/register", "post", "201"),
    ("/api/auth/login", "post", "200"),
    ("/api/auth/logout", "post", "200"),
    ("/api/auth/me", "get", "200"),
]


@pytest.mark.parametrize(("path", "method", "status"), AUTH_ANSWERS)
def test_every_auth_answer_is_documented_as_data_user(client, path, method, status):
    document = client.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    answer = document["paths"][path][method]["responses"][status]["content"]["application/json"]

    envelope = schemas[answer["schema"]["$ref"].rsplit("/", 1)[1]]
    data = schemas[envelope["properties"]["data"]["$ref"].rsplit("/", 1)[1]]
    # me also names this browser's cache (media-cache.mjs connect()).
    extra = ["cacheKey"] if path == "/api/auth/me" else []
    assert sorted(data["properties"]) == sorted(["user", *extra])
    assert data["required"] == sorted(["user", *extra])


def _schemas(client) -> dict:
    return client.get("/api/openapi.json").get_json()["components"]["schemas"]


def test_save_settings_are_documented_as_image_or_video_settings(client):
    schemas = _schemas(client)

    settings = schemas["SaveMedia"]["properties"]["settings"]

    assert settings["anyOf"] == [
        {"$ref": "#/components/schemas/ImageSettings"},
        {"$ref": "#/components/schemas/VideoSettings"},
    ]
    assert schemas["ImageSettings"]["additionalProperties"] is True
    assert schemas["VideoSettings"]["additionalProperties"] is True


@pytest.mark.parametrize(
    ("payload", "component"), [(image_payload, "ImageSettings"), (video_payload, "VideoSettings")]
)
def test_each_documented_required_setting_is_refused_when_missing(client, payload, component):
    required = _schemas(client)[component]["required"]
    sent = payload()

    answers = {
        key: save(
            client, {**sent, "settings": {k: v for k, v in sent["settings"].items() if k != key}}
        )
        for key in required
    }

    assert set(required) >= {"model", "style", "resolution", "shotSize"}
    assert {key: r.status_code for key, r in answers.items()} == dict.fromkeys(required, 400)
    assert all(key in r.get_json()["details"]["settings"] for key, r in answers.items())


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/a.png",
        "HTTP://cdn.example.com/a.png?x=1#y",
        "/media/a.png",
        "//evil.example/a.png",
        "/a\\b.png",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
        "https:///nohost",
        "https://cdn.example.com/a b.png",
        "ftp://cdn.example.com/a.png",
        "relative/a.png",
    ],
)
def test_the_documented_url_pattern_agrees_with_the_validator(client, url):
    pattern = _schemas(client)["SaveMedia"]["properties"]["url"]["pattern"]

    matches = re.fullmatch(pattern, url) is not None

    assert matches == is_safe_media_url(url)


def test_import_items_are_documented_in_the_import_item_format(client):
    schemas = _schemas(client)

    items = schemas["Import"]["properties"]["items"]

    assert items["items"] == {"allOf": [{"$ref": "#/components/schemas/ImportItem"}]}
    assert {"createdAt", "favorite", "settings"} <= set(schemas["ImportItem"]["properties"])
    assert (items["minItems"], items["maxItems"]) == (1, 1000)


def test_validators_ranges_and_enums_reach_the_document(client):
    document = client.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    parameters = {
        p["name"]: p["schema"] for p in document["paths"]["/api/media/list"]["get"]["parameters"]
    }

    assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, 100)
    assert parameters["sort"]["enum"] == ["newest", "oldest"]
    assert schemas["SaveMedia"]["properties"]["prompt"]["maxLength"] == 10000
    assert schemas["Register"]["properties"]["password"]["minLength"] == 8
    assert schemas["Prune"]["properties"]["confirm"]["enum"] == [True]
    assert schemas["BulkAction"]["properties"]["ids"]["maxItems"] == 500
