"""The OpenAPI document is valid and describes every API route."""

import re

from openapi_spec_validator import validate


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
