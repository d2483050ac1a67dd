"""The nightly backup script's dump restores, with the README's restore script, into a fresh database.

Runs deploy/backup.sh and deploy/restore.sh as the compose `backup` service does, against the real
PostgreSQL, and compares every table of the restored database with the original.
"""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from consultations.models import Consultation, Notification
from consultations.outbox.services import notifications_record
from tests.consultations.factories import ConsultationFactory
from tests.deploy.conftest import database_url

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def run(script, *args, **env):
    result = subprocess.run(  # noqa: S603 - our own scripts, with arguments we chose
        [str(DEPLOY / script), *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result


def fingerprints(url):
    """Each table's row count and a digest of all its rows, so two databases compare whole."""
    with psycopg.connect(url) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {
            table: db.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608 - names from pg_tables
            ).fetchone()
            for table in tables
        }


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url("postgres"), autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with psycopg.connect(database_url("postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def site_with_bookings(tmp_path):
    """Consultations with their consent, outbox rows and audit entries, and a clinician's photo on disk."""
    booked = ConsultationFactory.create_batch(3)
    for consultation in booked:
        notifications_record(consultation=consultation, event=Notification.Event.BOOKED)
    cancelled = booked[0]
    cancelled.status = Consultation.Status.CANCELLED
    cancelled.save()
    media = tmp_path / "media"
    (media / "clinicians").mkdir(parents=True)
    (media / "clinicians" / "mari.jpg").write_bytes(b"\xff\xd8 a photo \xff\xd9")
    return media


def test_the_backup_restores_into_a_fresh_database_with_nothing_missing(tmp_path, site_with_bookings, fresh_database):
    backups = tmp_path / "backups"
    run("backup.sh", DATABASE_URL=database_url(), BACKUP_DIR=str(backups), MEDIA_ROOT=str(site_with_bookings))

    restored_media = tmp_path / "restored-media"
    run(
        "restore.sh",
        str(backups / "latest.dump"),
        str(backups / "latest-media.tar.gz"),
        DATABASE_URL=fresh_database,
        MEDIA_ROOT=str(restored_media),
    )

    original, restored = fingerprints(database_url()), fingerprints(fresh_database)
    assert restored == original
    # What matters most is there, not just the same emptiness: calls, their consent, their history.
    with psycopg.connect(fresh_database) as db:
        consents = db.execute(
            "SELECT count(*) FROM consultations_consultation WHERE consented_at IS NOT NULL "
            "AND consent_policy_version <> ''"
        ).fetchone()[0]
        audit = db.execute(
            "SELECT count(*) FROM auditlog_logentry e JOIN django_content_type c ON c.id = e.content_type_id "
            "WHERE c.model = 'consultation'"
        ).fetchone()[0]
        notifications = db.execute("SELECT count(*) FROM consultations_notification").fetchone()[0]
    assert consents == 3
    assert audit == 4  # three bookings and one cancellation
    assert notifications == Notification.objects.count() > 0
    assert (restored_media / "clinicians" / "mari.jpg").read_bytes() == b"\xff\xd8 a photo \xff\xd9"


def test_a_restore_refuses_a_database_that_has_data(tmp_path, site_with_bookings):
    backups = tmp_path / "backups"
    run("backup.sh", DATABASE_URL=database_url(), BACKUP_DIR=str(backups))
    count = Consultation.objects.count()

    result = subprocess.run(  # noqa: S603
        [str(DEPLOY / "restore.sh"), str(backups / "latest.dump")],
        env={**os.environ, "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "already has" in result.stderr
    assert Consultation.objects.count() == count


def test_latest_is_always_a_whole_backup_and_old_ones_are_deleted(tmp_path, site_with_bookings):
    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "thrive-20200101T120000Z.dump"
    old.write_bytes(b"an old backup")
    os.utime(old, (0, 0))
    # What a backup that died half-way leaves: never a backup, and cleared away.
    (backups / ".thrive-20200102T120000Z.dump.partial").write_bytes(b"half a dump")

    result = run("backup.sh", DATABASE_URL=database_url(), BACKUP_DIR=str(backups), BACKUP_KEEP_DAYS="3")

    names = sorted(path.name for path in backups.iterdir())
    assert not old.exists()
    assert "deleted old backup thrive-20200101T120000Z.dump" in result.stdout
    assert not [name for name in names if name.endswith(".partial")]
    dumps = [name for name in names if name.startswith("thrive-")]
    assert len(dumps) == 1
    assert (backups / "latest.dump").resolve() == backups / dumps[0]
    assert (backups / dumps[0]).stat().st_mode & 0o077 == 0  # readable by its owner only


def test_a_dump_that_fails_leaves_the_latest_backup_in_place(tmp_path, site_with_bookings):
    backups = tmp_path / "backups"
    run("backup.sh", DATABASE_URL=database_url(), BACKUP_DIR=str(backups))
    latest = (backups / "latest.dump").resolve()

    result = subprocess.run(  # noqa: S603
        [str(DEPLOY / "backup.sh")],
        env={**os.environ, "DATABASE_URL": database_url("no_such_database"), "BACKUP_DIR": str(backups)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert (backups / "latest.dump").resolve() == latest
    assert sorted(path.name for path in backups.iterdir() if path.name.startswith("thrive-")) == [latest.name]
