"""Privacy rights pages: see or delete your data from a booking's private link, or ask without one."""

import json
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from consultations.models import PrivacyRequest
from consultations.privacy.forms import AccessCodeForm, PrivacyRequestForm, PrivateLinkRequestForm
from consultations.privacy.services import (
    AccessCodeLimit,
    Reason,
    access_code_check,
    access_code_send,
    consultation_erase_personal_data,
    consultation_personal_data,
    privacy_request_create,
    private_link_send,
)
from consultations.tokens import consultation_from_token_or_404, private_link_view
from thrive.outage import when_database_down
from thrive.visitor_limits import visitor_attempt_over_limit

REQUEST_SENT_SALT = "consultations.privacy_request_sent"
REQUESTS_PER_HOUR = 5
LINK_REQUESTS_PER_HOUR = 5
CODE_TRIES_PER_HOUR = 20

# The bookings this browser proved it may see, by id, until when (a code opens them for a while).
SESSION_DATA_ACCESS = "consultation_data_access"
DATA_ACCESS_MINUTES = 15
# Where a correct code leads: the page that asked for it.
AFTER_CODE = {"my_data", "my_data_download", "delete_data"}


def _private(response):
    """Pages about one person: never stored by a browser or proxy, never indexed."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _has_data_access(request, consultation):
    until = request.session.get(SESSION_DATA_ACCESS, {}).get(str(consultation.pk))
    return until is not None and timezone.now().timestamp() < until


def _grant_data_access(request, consultation):
    grants = {
        pk: until
        for pk, until in request.session.get(SESSION_DATA_ACCESS, {}).items()
        if until > timezone.now().timestamp()
    }
    grants[str(consultation.pk)] = (timezone.now() + timedelta(minutes=DATA_ACCESS_MINUTES)).timestamp()
    request.session[SESSION_DATA_ACCESS] = grants


def _masked_email(email):
    """j•••@example.com: enough to recognise one's own address, too little to learn someone else's."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def _ask_for_code(request, consultation, token, after, form=None, status=200):
    context = {
        "consultation": consultation,
        "token": token,
        "after": after,
        "form": form or AccessCodeForm(initial={"after": after}),
        "masked_email": _masked_email(consultation.email) if consultation.email else "",
    }
    return _private(render(request, "consultations/privacy/access_code.html", context, status=status))


def _behind_access_code(after):
    """For a page about one booking's data: the consultation behind the link, once this browser entered its code."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, token):
            consultation = consultation_from_token_or_404(token)
            if not _has_data_access(request, consultation):
                return _ask_for_code(request, consultation, token, after=after)
            return view(request, consultation, token)

        return wrapper

    return decorate


def _try_again_later(request):
    """The answer to a visitor past their limit of one kind of request."""
    return render(request, "consultations/privacy/request_limited.html", status=429)


def _posts_limited(*, scope, per_hour):
    """For a form a visitor may send only so often from one address: a POST past the limit is not read."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and visitor_attempt_over_limit(request, scope=scope, per_address=per_hour):
                return _try_again_later(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


@never_cache
@require_safe
@private_link_view
@_behind_access_code(after="my_data")
def consultation_my_data(request, consultation, token):
    """Everything held about the person behind this booking, once they've entered the code we emailed them."""
    context = {
        "consultation": consultation,
        "token": token,
        "data": consultation_personal_data(consultation=consultation),
    }
    return _private(render(request, "consultations/privacy/my_data.html", context))


@never_cache
@require_http_methods(["POST"])
@private_link_view
def consultation_access_code(request, token):
    """Send a one-time code to the email on file, or check the one typed in."""
    consultation = consultation_from_token_or_404(token)
    form = AccessCodeForm(request.POST)
    after = request.POST.get("after") if request.POST.get("after") in AFTER_CODE else "my_data"
    if "send" in request.POST:
        try:
            access_code_send(consultation=consultation)
        except AccessCodeLimit:
            messages.warning(
                request, "We've sent several codes in the last hour. Please use the latest one, or try again later."
            )
        else:
            messages.success(
                request, f"We've emailed a code to {_masked_email(consultation.email)}. It works for 10 minutes."
            )
        return redirect(reverse(f"consultations:{after}", kwargs={"token": token}))
    if visitor_attempt_over_limit(request, scope="access_code", per_address=CODE_TRIES_PER_HOUR):
        return _try_again_later(request)
    if form.is_valid():
        if access_code_check(consultation=consultation, code=form.cleaned_data["code"]):
            _grant_data_access(request, consultation)
            return redirect(reverse(f"consultations:{after}", kwargs={"token": token}))
        form.add_error(
            "code", "That code isn't right, or it has expired. Check the latest email, or ask for a new code."
        )
    return _ask_for_code(request, consultation, token, after, form=form, status=400)


@never_cache
@require_safe
@private_link_view
@_behind_access_code(after="my_data_download")
def consultation_my_data_download(request, consultation, token):
    """The same, as a JSON file to keep."""
    data = consultation_personal_data(consultation=consultation)
    export = {
        "practice": "Thrive for the People",
        "exported_at": timezone.localtime().isoformat(),
        "booking": dict(data["booking"]),
        "your_details": dict(data["details"]),
        "staff_notes": data["staff_notes"],
        "consent": dict(data["consent"]),
        "privacy_policy_you_agreed_to": data["consent_policy"].text if data["consent_policy"] else "",
        "messages_sent_to_you": data["messages"],
        "change_history": data["history"],
    }
    response = HttpResponse(json.dumps(export, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="thrive-my-data-{consultation.reference}.json"'
    return _private(response)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@private_link_view
@when_database_down(nothing_done="Nothing was deleted.")
@_behind_access_code(after="delete_data")
def consultation_delete_data(request, consultation, token):
    """Ask, then erase the personal details of this booking at once; the link stops working with them."""
    if request.method == "POST":
        consultation_erase_personal_data(consultation=consultation, reason=Reason.CLIENT_REQUEST)
        request.session.pop(SESSION_DATA_ACCESS, None)
        return redirect("consultations:data_erased")
    context = {"consultation": consultation, "token": token, "upcoming": consultation.client_may_change()}
    return _private(render(request, "consultations/privacy/delete_confirm.html", context))


@never_cache
@require_safe
def consultation_data_erased(request):
    """What is left after a client erased their data: nothing that points back to them."""
    return _private(render(request, "consultations/privacy/data_erased.html"))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_posts_limited(scope="private_link", per_hour=LINK_REQUESTS_PER_HOUR)
def private_link_request(request):
    """Ask for a fresh link to your booking by email. The answer is the same whether or not we know the address."""
    form = PrivateLinkRequestForm(request.POST or None)
    if form.is_valid():
        if not form.is_bot:
            private_link_send(email=form.cleaned_data["email"])
        return _private(render(request, "consultations/privacy/new_link_sent.html"))
    return _private(render(request, "consultations/privacy/new_link.html", {"form": form}))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@when_database_down(nothing_done="Your request was not sent.", form_class=PrivacyRequestForm)
@_posts_limited(scope="privacy", per_hour=REQUESTS_PER_HOUR)
def privacy_request(request):
    """Ask to see or delete your data, or withdraw consent, without a booking link."""
    form = PrivacyRequestForm(request.POST or None)
    if form.is_valid():
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
