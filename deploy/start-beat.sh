#!/bin/sh
# Celery beat, exactly one per site (the sweeper, reminders, daily lists, the retention sweep):
# compose's `beat` and the production run in .ci/run. Its schedule file is scratch: compose's health
# check reads how recently beat wrote it.
#   BEAT_SCHEDULE (/tmp/celerybeat-schedule)
exec celery -A thrive beat --loglevel=info --schedule "${BEAT_SCHEDULE:-/tmp/celerybeat-schedule}"
