import pytest

pytestmark = pytest.mark.django_db


def test_an_oversized_body_is_refused_without_echoing_it(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    text = "my private words " * 1000
    response = client.post("/privacy/request/", {"kind": "access", "full_name": "Sam", "details": text})
    assert response.status_code == 400
    assert b"my private words" not in response.content


def test_a_host_the_site_does_not_serve_is_refused(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"evil.example" not in response.content
