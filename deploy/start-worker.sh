#!/bin/sh
# The Celery worker that sends the outbox's messages: compose's `worker` and the production run in .ci/run.
exec celery -A thrive worker --loglevel=info
