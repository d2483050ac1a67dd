"""Privacy rights pages: see or delete your data from a booking's private link, or ask without one."""

import json

from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from consultations.models import PrivacyRequest
from consultations.privacy.forms import PrivacyRequestForm
from consultations.privacy.services import (
    Reason,
    consultation_erase_personal_data,
    consultation_personal_data,
    privacy_request_create,
)
from consultations.tokens import consultation_from_token_or_404
from thrive.visitor_limits import visitor_limit_count, visitor_limit_reached

REQUEST_SENT_SALT = "consultations.privacy_request_sent"
REQUESTS_PER_HOUR = 5


def _private(response):
    """Pages about one person: never stored by a browser or proxy, never indexed."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_safe
def consultation_my_data(request, token):
    """Everything held about the person behind this booking."""
    consultation = consultation_from_token_or_404(token)
    context = {"consultation": consultation, "token": token}
    if consultation.erased_at is None:
        context["data"] = consultation_personal_data(consultation=consultation)
    return _private(render(request, "consultations/privacy/my_data.html", context))


@never_cache
@require_safe
def consultation_my_data_download(request, token):
    """The same, as a JSON file to keep."""
    consultation = consultation_from_token_or_404(token)
    if consultation.erased_at is not None:
        raise Http404("These details have been erased.")
    data = consultation_personal_data(consultation=consultation)
    export = {
        "practice": "Thrive for the People",
        "exported_at": timezone.localtime().isoformat(),
        "booking": dict(data["booking"]),
        "your_details": dict(data["details"]),
        "staff_notes": data["staff_notes"],
        "consent": dict(data["consent"]),
        "messages_sent_to_you": data["messages"],
        "change_history": data["history"],
    }
    response = HttpResponse(json.dumps(export, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="thrive-my-data-{consultation.reference}.json"'
    return _private(response)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_delete_data(request, token):
    """Ask, then erase the personal details of this booking at once."""
    consultation = consultation_from_token_or_404(token)
    if request.method == "POST" and consultation.erased_at is None:
        consultation_erase_personal_data(consultation=consultation, reason=Reason.CLIENT_REQUEST)
        return redirect("consultations:my_data", token=token)
    if consultation.erased_at is not None:
        return redirect("consultations:my_data", token=token)
    context = {"consultation": consultation, "token": token, "upcoming": consultation.client_may_change()}
    return _private(render(request, "consultations/privacy/delete_confirm.html", context))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def privacy_request(request):
    """Ask to see or delete your data, or withdraw consent, without a booking link."""
    form = PrivacyRequestForm(request.POST or None)
    if request.method == "POST":
        if visitor_limit_reached(request, scope="privacy", limit=REQUESTS_PER_HOUR):
            return render(request, "consultations/privacy/request_limited.html", status=429)
        if form.is_valid():
            visitor_limit_count(request, scope="privacy")
            if form.is_bot:
                # Look the same to a bot as a real request, but keep nothing.
                return render(request, "consultations/privacy/request_sent.html", {"privacy_request": None})
            created = privacy_request_create(
                kind=form.cleaned_data["kind"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"] or "",
                details=form.cleaned_data["details"],
            )
            token = signing.dumps(created.reference, salt=REQUEST_SENT_SALT)
            return redirect("privacy_request_sent", token=token)
    return render(request, "consultations/privacy/request_form.html", {"form": form})


@never_cache
@require_safe
def privacy_request_sent(request, token):
    """What happens next, with the request's reference and the date it will be answered by."""
    try:
        reference = signing.loads(token, salt=REQUEST_SENT_SALT, max_age=60 * 60 * 24)
    except signing.BadSignature:
        raise Http404("No request matches this link.") from None
    privacy_request = PrivacyRequest.objects.filter(reference=reference).first()
    if privacy_request is None:
        raise Http404("No request matches this link.")
    return _private(render(request, "consultations/privacy/request_sent.html", {"privacy_request": privacy_request}))
