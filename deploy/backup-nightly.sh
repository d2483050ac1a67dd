#!/usr/bin/env bash
# The compose `backup` service: a backup at start-up unless one is less than a day old, then one
# every night at BACKUP_TIME (UTC; the default 12:00 is 4 or 5 AM in Seattle, after the 03:30
# retention sweep, so a night's backup never holds details the sweep just erased). A failed backup
# is tried again every hour until one succeeds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
at="${BACKUP_TIME:-12:00}"

take_backup() {
  until "$here/backup.sh"; do
    echo "backup failed; trying again in an hour" >&2
    sleep 3600
  done
}

if [ -z "$(find "${BACKUP_DIR:?}" -maxdepth 1 -name 'thrive-*.dump' -mmin -1440 2>/dev/null)" ]; then
  take_backup
fi
while true; do
  now="$(date -u +%s)"
  next="$(date -u -d "today $at" +%s)"
  [ "$next" -gt "$now" ] || next="$(date -u -d "tomorrow $at" +%s)"
  sleep $((next - now))
  take_backup
done
