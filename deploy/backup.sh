#!/usr/bin/env bash
# One backup of the Thrive site: the database (pg_dump's custom format) and the uploaded photos.
# Each file is written under a hidden ".partial" name and renamed only once it is whole (and the dump
# has been read back), so `latest.dump` and every `thrive-*.dump` is always a complete backup.
# Then backups older than BACKUP_KEEP_DAYS are deleted.
#
# The compose `backup` service runs it every night (deploy/backup-nightly.sh);
# tests/deploy/test_backup.py runs it on the real PostgreSQL and restores what it wrote.
#   DATABASE_URL      postgres://user:password@host:5432/thrive (required)
#   BACKUP_DIR        where the backups go (required; compose: the backups volume)
#   MEDIA_ROOT        the uploaded files to archive beside the dump (optional)
#   BACKUP_KEEP_DAYS  days of backups to keep (default 14, well within the 180-day retention period)
set -euo pipefail
umask 077  # backups hold consumer health data: readable by their owner only

: "${DATABASE_URL:?set DATABASE_URL}" "${BACKUP_DIR:?set BACKUP_DIR}"
keep_days="${BACKUP_KEEP_DAYS:-14}"
case "$keep_days" in '' | *[!0-9]* | 0) echo "BACKUP_KEEP_DAYS must be a whole number of days, at least 1" >&2; exit 2 ;; esac
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

mkdir -p "$BACKUP_DIR"
cd "$BACKUP_DIR"
# What a crash or a full disk left behind last time is never a backup.
rm -f .*.partial

pg_dump --format=custom --file=".thrive-$stamp.dump.partial" "$DATABASE_URL"
pg_restore --list ".thrive-$stamp.dump.partial" >/dev/null  # a dump pg_restore can't read is no backup
mv ".thrive-$stamp.dump.partial" "thrive-$stamp.dump"

if [ -n "${MEDIA_ROOT:-}" ]; then
  tar --create --gzip --file=".media-$stamp.tar.gz.partial" --directory="$MEDIA_ROOT" .
  mv ".media-$stamp.tar.gz.partial" "media-$stamp.tar.gz"
  ln -sfn "media-$stamp.tar.gz" .latest-media.tar.gz.partial
  mv -fT .latest-media.tar.gz.partial latest-media.tar.gz
fi
# Renaming a link over the old one is atomic: `latest` names the old backup or the new one, never a half.
ln -sfn "thrive-$stamp.dump" .latest.dump.partial
mv -fT .latest.dump.partial latest.dump

find . -maxdepth 1 -type f \( -name 'thrive-*.dump' -o -name 'media-*.tar.gz' \) \
  -mmin +$((keep_days * 24 * 60)) -print -delete | sed 's|^\./|deleted old backup |'
echo "backup written: $BACKUP_DIR/thrive-$stamp.dump ($(du -h "thrive-$stamp.dump" | cut -f1))"
