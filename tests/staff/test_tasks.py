"""Beat deletes staff sign-in records once they are older than the retention period."""

import datetime

import pytest
from axes.models import AccessLog
from django.conf import settings
from django.utils import timezone

from staff.tasks import purge_old_signin_records
from thrive.celery import app as celery_app

pytestmark = pytest.mark.django_db


def access_log(username, *, days_ago):
    row = AccessLog.objects.create(username=username, ip_address="198.51.100.7", user_agent="Firefox")
    # attempt_time is set on creation; move it back by hand.
    AccessLog.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=days_ago))
    return row


def test_sign_in_records_past_the_retention_period_are_purged_and_recent_ones_kept():
    retention = settings.SIGNIN_RECORD_RETENTION_DAYS
    access_log("old", days_ago=retention + 1)
    access_log("older", days_ago=retention * 3)
    recent = access_log("recent", days_ago=retention - 1)

    purge_old_signin_records.delay()

    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]


def test_beat_runs_the_purge_every_day():
    celery_app.loader.import_default_modules()
    scheduled = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert purge_old_signin_records.name in scheduled
    assert purge_old_signin_records.name in celery_app.tasks
