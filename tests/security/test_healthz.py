import json

import pytest
from django.db import DatabaseError

from thrive import health

pytestmark = pytest.mark.django_db

# Nothing listens on port 1, so a connection there fails at once, as a stopped service does.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_healthz_reports_each_check(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_names_a_broker_that_is_down(client, settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"


def test_healthz_names_a_cache_that_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["failed"] == ["cache"]


def test_healthz_names_a_failed_database_and_leaks_nothing_else(client, monkeypatch):
    def database_down():
        raise DatabaseError('FATAL: password authentication failed for user "thrive" at db.internal:5432')

    monkeypatch.setitem(health.CHECKS, "database", database_down)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {
        "status": "unavailable",
        "checks": {"database": "failed", "cache": "ok", "broker": "ok"},
        "failed": ["database"],
    }
    assert b"password" not in response.content
    assert b"db.internal" not in response.content


def test_healthz_accepts_only_reads(client):
    assert client.post("/healthz").status_code == 405
