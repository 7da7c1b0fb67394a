"""A body that is not JSON is a 400 saying where it breaks, as the API documentation says
(it was a 422 "1: JSON decode error")."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("body", [b"{not json", b'{"complaints": ["sciatica"],,}'])
def test_a_body_that_is_not_json_is_400_in_words(client: TestClient, body: bytes) -> None:
    """Both break where a quoted name should be: "{not json" at its 2nd character, the
    doubled comma at its 29th."""
    answer = client.post(
        "/api/v1/recommend", content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400
    at = 2 if body.startswith(b"{n") else 29
    assert answer.json()["error"]["message"] == (
        "the request body is not valid JSON: "
        f"Expecting property name enclosed in double quotes at character {at}"
    )


def test_the_documentation_lists_the_400(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert "400" in document["paths"]["/api/v1/recommend"]["post"]["responses"]
