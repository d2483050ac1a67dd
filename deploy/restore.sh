#!/usr/bin/env bash
# Restore a backup written by deploy/backup.sh into an empty database (and the photos into MEDIA_ROOT):
#   deploy/restore.sh <thrive-….dump> [<media-….tar.gz>]
# It refuses a database that already has tables, so it never mixes two sites' data.
# The README's restore steps run it; tests/deploy/test_backup.py runs it into a fresh database.
#   DATABASE_URL  the empty database to restore into (required)
#   MEDIA_ROOT    where to unpack the photos (required when a media archive is given)
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
dump="${1:?usage: restore.sh <dump> [<media archive>]}"
media="${2:-}"

tables="$(psql "$DATABASE_URL" --no-psqlrc --tuples-only --no-align \
  --command "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "The database already has $tables tables: restore into a new, empty one (see the README)." >&2
  exit 1
fi
# One transaction: the database ends up with the whole backup or, on any error, with nothing.
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges --dbname="$DATABASE_URL" "$dump"
echo "database restored from $dump"

if [ -n "$media" ]; then
  : "${MEDIA_ROOT:?set MEDIA_ROOT to restore the photos}"
  mkdir -p "$MEDIA_ROOT"
  tar --extract --gzip --file="$media" --directory="$MEDIA_ROOT"
  echo "photos restored from $media into $MEDIA_ROOT"
fi
