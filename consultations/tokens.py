"""The signed, unguessable links to a booking's private page.

A token signs the booking's id together with its random reference, so it can't be
guessed from a sequential id or forged without the site's secret key.
"""

from django.core import signing
from django.http import Http404
from django.urls import reverse

from consultations.models import Consultation

SALT = "consultations.manage"


def consultation_token(consultation):
    """The token for this booking's private page: /consultation/<token>/."""
    return signing.dumps([consultation.pk, consultation.reference], salt=SALT, compress=False)


def private_page_path(consultation):
    """The path of this booking's private page, where the client sees, moves or cancels it."""
    return reverse("consultations:manage", kwargs={"token": consultation_token(consultation)})


def consultation_from_token(token, queryset=None):
    """The booking a token names, or None when the token is tampered with or the booking is gone."""
    try:
        pk, reference = signing.loads(token, salt=SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    queryset = queryset if queryset is not None else Consultation.objects.select_related("clinician")
    return queryset.filter(pk=pk, reference=reference).first()


def consultation_from_token_or_404(token):
    """The booking a private link names; Http404 when the link is tampered with or the booking is gone."""
    consultation = consultation_from_token(token)
    if consultation is None:
        raise Http404("No booking matches this link.")
    return consultation
