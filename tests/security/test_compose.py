"""The compose file describes the whole stack, with health checks and start-up order, and validates."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from consultations.models import ConsultationSettings

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_the_stack_has_every_service(compose):
    assert set(compose["services"]) >= {"postgres", "redis", "migrate", "web", "worker", "beat", "mailpit"}
    assert compose["services"]["postgres"]["image"] == "postgres:17"
    assert compose["services"]["redis"]["image"] == "redis:7"


def test_data_lives_on_named_volumes(compose):
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    assert "redis-data:/data" in compose["services"]["redis"]["volumes"]
    assert {"postgres-data", "redis-data"} <= set(compose["volumes"])


def test_redis_keeps_queued_tasks_across_restarts_and_never_evicts_them(compose):
    command = " ".join(compose["services"]["redis"]["command"])
    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command


def test_every_long_running_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        if name == "migrate":
            continue
        assert service.get("healthcheck", {}).get("test"), name


def test_the_app_starts_only_after_the_database_is_migrated(compose):
    services = compose["services"]
    assert services["migrate"]["command"] == ["/app/deploy/release.sh"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy", name


def test_the_image_compose_and_ci_start_each_process_with_the_same_script(compose):
    """deploy/start-*.sh hold the start commands; .ci/run's production run (drill/) starts the same files."""
    services = compose["services"]
    assert services["web"]["command"] == ["/app/deploy/start-web.sh"]
    assert services["worker"]["command"] == ["/app/deploy/start-worker.sh"]
    assert services["beat"]["command"] == ["/app/deploy/start-beat.sh"]
    assert 'CMD ["/app/deploy/start-web.sh"]' in (BASE_DIR / "Dockerfile").read_text()
    # The beat health check reads the schedule file where start-beat.sh writes it by default.
    schedule = "/tmp/celerybeat-schedule"  # noqa: S108 - the container's own scratch file
    assert schedule in (BASE_DIR / "deploy" / "start-beat.sh").read_text()
    assert schedule in " ".join(services["beat"]["healthcheck"]["test"])
    for script in ("release.sh", "start-web.sh", "start-worker.sh", "start-beat.sh"):
        assert os.access(BASE_DIR / "deploy" / script, os.X_OK), script
        assert f'"{script}"' in (BASE_DIR / "drill" / "stack.py").read_text(), script


def test_the_app_runs_with_production_settings_behind_one_proxy(compose):
    environment = compose["services"]["web"]["environment"]
    assert environment["DJANGO_DEBUG"] == "0"
    assert environment["SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO"
    assert environment["TRUSTED_PROXY_COUNT"] == "1"
    # Secrets come from .env and have no default in the file.
    assert environment["SECRET_KEY"] == "${SECRET_KEY:-}"


def test_the_image_runs_as_a_non_root_user():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "\nUSER thrive\n" in dockerfile
    assert "FROM node:" in dockerfile and " AS css" in dockerfile
    assert "collectstatic" in dockerfile


def test_docker_compose_config_validates():
    if not shutil.which("docker-compose"):
        message = "docker-compose not found: install it with `apt-get install docker-compose`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(  # noqa: S603
        ["docker-compose", "config", "-q"],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr


def test_a_backup_service_dumps_the_database_and_photos_every_night(compose):
    backup = compose["services"]["backup"]
    # pg_dump must be at least the server's version.
    assert backup["image"] == compose["services"]["postgres"]["image"]
    assert backup["command"] == ["/deploy/backup-nightly.sh"]
    assert "./deploy:/deploy:ro" in backup["volumes"]
    assert {"media:/app/media", "backups:/backups"} <= set(backup["volumes"])
    assert "backups" in compose["volumes"]
    assert backup["environment"]["DATABASE_URL"] == compose["services"]["web"]["environment"]["DATABASE_URL"]
    nightly = (BASE_DIR / "deploy" / "backup-nightly.sh").read_text()
    assert '"$here/backup.sh"' in nightly


def test_backups_are_kept_within_the_privacy_policys_retention_period(compose):
    keep = compose["services"]["backup"]["environment"]["BACKUP_KEEP_DAYS"]
    default_days = int(keep.removeprefix("${BACKUP_KEEP_DAYS:-").removesuffix("}"))
    retention = ConsultationSettings._meta.get_field("retention_days").default
    assert 0 < default_days < retention
    assert f"BACKUP_KEEP_DAYS={default_days}" in (BASE_DIR / ".env.example").read_text()
