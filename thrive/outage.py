"""When the database can't be reached: the site's own 503 page, never the generic error page.

A page that only reads is tried once more on a fresh connection first: a connection cut a moment
ago (a failover, a restarted pooler, an idle timeout) is usually back at once. Otherwise the
visitor is told plainly that nothing was saved, gets back the form they filled in, and the
practice's phone number, which comes from a copy of the site settings kept outside the database.
When a save's connection was cut and the check of whether it went through was cut too, the
page says it can't tell yet (OutcomeUnknown), never that nothing was saved.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from thrive.models import SiteSettings

log = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60
SAFE_METHODS = ("GET", "HEAD")
# Posted fields never shown again: the CSRF token is issued afresh, the honeypot stays empty.
NOT_KEPT = {"csrfmiddlewaretoken", "website"}


class OutcomeUnknown(OperationalError):
    """A change's connection was lost as it committed, and checking whether it went through failed as well.

    The 503 page then says it can't tell yet, never that nothing was saved. Sending the same request
    again is safe where it is raised: a booking's form carries a one-time token that finds what was
    saved, and a cancel or a move sent again changes nothing that has changed already.
    """


@dataclass(frozen=True)
class WhenDatabaseDown:
    nothing_done: str
    form_class: type | None = None


def when_database_down(*, nothing_done, form_class=None):
    """Say what did not happen (e.g. "Nothing was booked.") and which form to give back, if the database is down."""

    def mark(view):
        view.when_database_down = WhenDatabaseDown(nothing_done=nothing_done, form_class=form_class)
        return view

    return mark


def is_database_error(exception):
    return isinstance(exception, DATABASE_ERRORS)


def fresh_connection_possible():
    """True when the default connection may be dropped for a new one: not inside a transaction."""
    return not connections[DEFAULT_DB_ALIAS].in_atomic_block


def drop_connection():
    connections[DEFAULT_DB_ALIAS].close()


def server_process():
    """The PostgreSQL server process behind the open connection, or None (not connected, or not PostgreSQL)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or connection.connection is None:
        return None
    return connection.connection.info.backend_pid


def wait_for_transaction_end(process, *, seconds=5.0, every=0.05):
    """Wait until a lost connection's server process has finished its transaction; True once it has.

    A connection cut while its COMMIT is on the wire leaves the server to finish (or abandon) the
    transaction on its own, a moment after the client has seen the error: a query on a fresh
    connection before then would not yet see what it wrote. Once that process has gone, or sits
    idle, its transaction is over one way or the other. Gives up after ``seconds``.
    """
    if process is None:
        return True
    deadline = time.monotonic() + seconds
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        while True:
            cursor.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", [process])
            row = cursor.fetchone()
            if row is None or row[0] == "idle":
                return True
            if time.monotonic() >= deadline:
                log.warning("Server process %s still busy after %s s; looking anyway", process, seconds)
                return False
            time.sleep(every)


def commit_or_find(write, *, find, found=None):
    """``write()`` in one transaction; if the connection is lost at its COMMIT, whether it went through decides.

    A failure before the COMMIT means nothing was saved, and is raised as it is. A connection lost at
    the COMMIT leaves it unknown whether the server applied it: once that connection's server
    process has finished its transaction, ``find()`` looks for the change on a fresh connection.
    What it finds is returned, as if ``write`` had returned it, after ``found(it)`` does what the
    commit would have done next (such as enqueueing messages); finding nothing raises the error, so
    the 503 page's "not saved" is true. When that look-up is cut too, or the transaction is still
    running after the wait: OutcomeUnknown, and the page says it can't tell yet.

    Inside an outer transaction (a savepoint, then) the connection can't be replaced, and any error
    is raised as it is.
    """
    process = server_process()
    committing = False
    try:
        with transaction.atomic():
            made = write()
            committing = True  # all that is left is the COMMIT
        return made
    except DATABASE_ERRORS as lost:
        if not (committing and fresh_connection_possible()):
            raise
        try:
            drop_connection()
            finished = wait_for_transaction_end(process)
            made = find()
        except DATABASE_ERRORS as check_lost:
            raise OutcomeUnknown("the look-up of whether the change was made was cut too") from check_lost
        if made is None:
            if not finished:
                raise OutcomeUnknown("the lost transaction was still running after the wait") from lost
            raise
        if found is not None:
            try:
                found(made)
            except DATABASE_ERRORS:
                log.warning("Change made; what its commit would have done next was cut too", exc_info=True)
        return made


def _kept_form(form_class, request):
    """The form as the visitor filled it in, shown again without validating it (that would need the database)."""
    if form_class is None or request.method != "POST":
        return None, [], []
    values = {name: (values if len(values) > 1 else values[0]) for name, values in request.POST.lists()}
    form = form_class(initial={name: value for name, value in values.items() if name not in NOT_KEPT})
    fieldsets = getattr(form, "fieldsets", None)
    if fieldsets:
        shown = [name for _, names in fieldsets for name in names] + [n for n in ("consent",) if n in form.fields]
    else:
        shown = [name for name in form.fields if name not in NOT_KEPT and not form[name].is_hidden]
    hidden = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in shown and name not in NOT_KEPT
        for value in values
    ]
    return form, [form[name] for name in shown], hidden


def database_unavailable(request, exception=None):
    """The 503 page: nothing was saved, here is what you typed, try again or call us."""
    log.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
    match = getattr(request, "resolver_match", None)
    marked = getattr(match.func, "when_database_down", None) if match else None
    for_staff = request.path.startswith(f"/{settings.ADMIN_URL}")
    form, fields, hidden = _kept_form(marked.form_class if marked else None, request)
    context = {
        # Nothing here may need the database: the practice's details come from the kept copy.
        "site": {"settings": SiteSettings.last_known(), "structured_data": None},
        "content": {"navigation": [], "announcement": None},
        "for_staff": for_staff,
        "nothing_done": marked.nothing_done if marked else "",
        "sent_something": request.method not in SAFE_METHODS,
        "outcome_unknown": isinstance(exception, OutcomeUnknown),
        "form": form,
        "fields": fields,
        "hidden": hidden,
        "action": request.get_full_path(),
    }
    response = TemplateResponse(request, "503.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)  # it may hold what the visitor typed
    return response.render()


class DatabaseUnavailableMiddleware:
    """Turn a lost or unreachable database into a second try (for pages that only read) or the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_error(exception):
            return None
        if (
            request.method in SAFE_METHODS
            and fresh_connection_possible()
            and not getattr(request, "_db_retried", False)
        ):
            request._db_retried = True
            log.warning("Database connection lost reading %s; trying once more on a fresh one", request.path)
            drop_connection()
            match = request.resolver_match
            try:
                response = match.func(request, *match.args, **match.kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                return response
            except DATABASE_ERRORS as again:
                exception = again
        if fresh_connection_possible():
            drop_connection()  # whatever runs after this reply starts afresh
        return database_unavailable(request, exception)
