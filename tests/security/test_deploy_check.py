"""`manage.py check --deploy` is clean with production settings, and the HTTPS settings follow the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "pR0d-like-Secret-Key-for-the-deploy-check-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "thriveforthepeople.example",
    "SITE_URL": "https://thriveforthepeople.example",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
    "TRUSTED_PROXY_COUNT": "1",
    "ADMIN_URL": "office-7f3k/",
}


def run(args, extra_env):
    # A clean environment: nothing from the developer's shell or the test run leaks in.
    env = {"PATH": os.environ.get("PATH", ""), **extra_env}
    env.setdefault("DATABASE_URL", "sqlite:///:memory:")
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def production_settings(extra=None):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.REQUIRE_STAFF_2FA, s.LOG_FORMAT]))"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "thrive.settings",
        **PRODUCTION,
        **(extra or {}),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_reports_nothing_with_production_settings():
    result = run(["check", "--deploy", "--fail-level", "DEBUG"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_when_a_protection_is_switched_off():
    result = run(["check", "--deploy", "--fail-level", "WARNING"], {**PRODUCTION, "SECURE_HSTS_SECONDS": "0"})
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = run(["check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "weak_key",
    ["x" * 50, "short-but-random-Q7f9", "django-insecure-" + "k3j4h5g6f7d8s9a0" * 3],
    ids=["one-character", "too-short", "django-generated-insecure"],
)
def test_production_refuses_to_start_with_a_weak_secret_key(weak_key):
    # migrate is what production runs before the web, the worker and beat start.
    for command in (["check"], ["migrate", "--check"]):
        result = run(command, {**PRODUCTION, "SECRET_KEY": weak_key})
        assert result.returncode != 0, result.stdout + result.stderr
        assert "thrive.E001" in result.stderr
        assert weak_key not in result.stdout + result.stderr


def test_a_weak_secret_key_is_fine_for_development():
    result = run(["check"], {**PRODUCTION, "DJANGO_DEBUG": "1", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_defaults_are_secure():
    proxy, redirect, session_secure, csrf_secure, hsts, two_factor, log_format = production_settings()
    assert proxy == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert redirect is True
    assert session_secure is True
    assert csrf_secure is True
    assert hsts >= 60 * 60 * 24 * 365
    assert two_factor is True
    assert log_format == "json"


def test_the_proxy_header_is_trusted_only_when_the_operator_says_a_proxy_sets_it():
    proxy, redirect, *_ = production_settings({"SECURE_PROXY_SSL_HEADER": ""})
    assert proxy is None
    # Without a proxy that reports HTTPS, redirecting would loop forever.
    assert redirect is False
