"""The clinician's private calendar subscription: their calls, read by a calendar app without a sign-in."""

import logging

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from consultations.calendars.selectors import calendar_feed_for_token, calendar_feed_ics
from thrive.visitor_limits import visitor_attempt_over_limit

log = logging.getLogger(__name__)

FEED_LIMIT_SCOPE = "calendar-feed"


@require_safe
def calendar_feed(request, token):
    """The feed of one clinician's calls; an unknown or replaced address is a 404 like any missing page."""
    if visitor_attempt_over_limit(
        request, scope=FEED_LIMIT_SCOPE, per_address=settings.CALENDAR_FEED_REQUESTS_PER_HOUR
    ):
        return HttpResponse("Too many requests for this calendar; try again later.", status=429)
    feed = calendar_feed_for_token(token)
    if feed is None:
        raise Http404("No calendar at this address.")
    # Which clinician's feed was read, never the address that reads it.
    log.info("calendar feed read", extra={"clinician_id": feed.clinician_id})
    response = HttpResponse(calendar_feed_ics(feed), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="consultation-calls.ics"'
    return response
