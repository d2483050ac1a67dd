"""Database sessions that a database fault after a booking never turns into an error page.

What a session holds (a visitor's links to their own bookings, a staff sign-in) is written on a
best-effort basis: a write that fails is logged and dropped, so a booking that was saved is
still answered as saved. A read cut off by a lost connection is tried once more on a fresh one;
it happens before the view runs (the staff middleware asks who is signed in), so when it fails
too, nothing has been saved and the 503 page says so.
"""

import logging

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from thrive.outage import DATABASE_ERRORS, drop_connection, fresh_connection_possible

log = logging.getLogger(__name__)


class SessionStore(DatabaseSessionStore):
    def load(self):
        try:
            return super().load()
        except DATABASE_ERRORS:
            if not fresh_connection_possible():
                raise
            log.warning("Database connection lost reading a session; trying once more on a fresh one")
            drop_connection()
            return super().load()

    def save(self, must_create=False):
        try:
            super().save(must_create=must_create)
        except DATABASE_ERRORS:
            if not fresh_connection_possible():
                raise
            log.warning("Database unavailable; session not saved")
