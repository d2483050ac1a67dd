#!/bin/sh
# The web server, exactly as production runs it: the Dockerfile's CMD, compose's `web`, and the
# production run in .ci/run (`python -m drill`) all start it with this script, so they cannot drift.
# granian, not gunicorn: `make bench` measured it at about twice the throughput on cached pages (it keeps
# connections alive; gunicorn's sync workers close each one). No access log: paths can hold a booking's
# private link. Errors still go to stdout as JSON.
#   PORT (8000), WEB_CONCURRENCY (2) worker processes, WEB_BIND (0.0.0.0; 127.0.0.1 outside a container)
exec granian --interface wsgi --host "${WEB_BIND:-0.0.0.0}" --port "${PORT:-8000}" \
  --workers "${WEB_CONCURRENCY:-2}" --blocking-threads 2 --respawn-failed-workers --no-access-log \
  thrive.wsgi:application
