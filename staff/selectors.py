"""What staff security reads: how long a username must wait before its next sign-in attempt."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum, Value
from django.db.models.functions import Least


def signin_wait_seconds(*, username, now):
    """Seconds before this username may try its password again, from any address; 0 when it may now.

    Lock-outs key on the username and the address together, so a stranger can't lock a colleague out
    from everywhere. A username guessed at from many addresses is slowed down instead: once its
    failures (all addresses together) reach AXES_FAILURE_LIMIT, each further try waits twice as long
    after the last failure, up to SIGNIN_DELAY_MAX_SECONDS. Deleting its access attempts in the
    admin clears the wait, as it clears a lock-out.

    Tries from an address already locked out for this username are the lock-out's business: they
    neither count nor restart the wait, so hammering from one address can't keep a colleague waiting.
    """
    if not username:
        return 0
    limit = settings.AXES_FAILURE_LIMIT
    totals = AccessAttempt.objects.filter(username=username).aggregate(
        failures=Sum(Least("failures_since_start", Value(limit))),
        last=Max("attempt_time", filter=Q(failures_since_start__lte=limit)),
    )
    failures = totals["failures"] or 0
    if failures < limit or totals["last"] is None:
        return 0
    extra = failures - limit
    delay = min(settings.SIGNIN_DELAY_BASE_SECONDS * 2 ** min(extra, 32), settings.SIGNIN_DELAY_MAX_SECONDS)
    return max(0, int((totals["last"] - now).total_seconds() + delay + 0.999))
