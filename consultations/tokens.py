"""The private links to a booking's page, which stop working a while after the call.

A link carries the booking's random ``link_secret`` (never its id or reference), signed with the
moment it was made. It works for ``LINK_DAYS`` after it was sent or after the call (or the
cancellation), whichever is later, and never once the client's details are erased: erasing
replaces the secret. Seeing, downloading or deleting the data behind a link also needs a one-time
code (consultations.privacy).
"""

import datetime
from functools import wraps

from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation

SALT = "consultations.private_link"
LINK_DAYS = 7


class PrivateLinkGone(Exception):
    """A link the site made, that no longer works: expired, or the booking's details were erased."""


def _signer():
    return signing.TimestampSigner(salt=SALT)


def consultation_token(consultation):
    """A fresh token for this booking's private page: /consultation/<token>/."""
    return _signer().sign(consultation.link_secret)


def private_page_path(consultation):
    """The path of this booking's private page, where the client sees, moves or cancels it."""
    return reverse("consultations:manage", kwargs={"token": consultation_token(consultation)})


def private_link_works_until(consultation, *, issued_at):
    """When a link made at ``issued_at`` stops working: a week after it was sent or after the call, if later."""
    if consultation.erased_at is not None:
        return consultation.erased_at
    if consultation.status == Consultation.Status.CANCELLED and consultation.cancelled_at:
        anchor = consultation.cancelled_at
    else:
        # A callback request has no time yet: it counts from the last change the front desk made.
        anchor = consultation.starts_at or consultation.updated_at or issued_at
    return max(issued_at, anchor) + datetime.timedelta(days=LINK_DAYS)


def _read(token):
    """(link_secret, issued_at) from a token the site signed; None when it is not one of ours."""
    try:
        secret = _signer().unsign(token)
        issued = signing.b62_decode(token.rsplit(_signer().sep, 2)[1])
    except (signing.BadSignature, TypeError, ValueError, IndexError):
        return None
    return secret, datetime.datetime.fromtimestamp(issued, tz=datetime.UTC)


def consultation_from_token(token, queryset=None, now=None):
    """The booking a private link names, or None when the link is not one of ours.

    Raises PrivateLinkGone for a genuine link that no longer works.
    """
    read = _read(token)
    if read is None:
        return None
    secret, issued_at = read
    queryset = queryset if queryset is not None else Consultation.objects.select_related("clinician")
    consultation = queryset.filter(link_secret=secret).first()
    if consultation is None or (now or timezone.now()) >= private_link_works_until(consultation, issued_at=issued_at):
        raise PrivateLinkGone
    return consultation


def consultation_from_token_or_404(token):
    """The booking a private link names; Http404 for a tampered link, PrivateLinkGone for an expired one."""
    consultation = consultation_from_token(token)
    if consultation is None:
        raise Http404("No booking matches this link.")
    return consultation


def private_link_view(view):
    """Answer a private page's expired link with 410 Gone and a way to ask for a fresh one by email."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PrivateLinkGone:
            response = render(request, "consultations/link_gone.html", status=410)
            response["X-Robots-Tag"] = "noindex, nofollow"
            return response

    return wrapper
