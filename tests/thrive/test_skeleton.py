"""A kept page skeleton: built once, filled in per request, never carrying one visitor's values to another."""

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.middleware.csrf import _unmask_cipher_token
from django.test import RequestFactory
from django.utils.csp import LazyNonce

from tests.clinicians.factories import front_desk_user
from thrive.skeleton import hole, skeleton_response

pytestmark = pytest.mark.django_db

PAGE = (
    "user={{ user.get_username }}\nmessages={% for m in messages %}{{ m }}{% endfor %}\n"
    "csrf={{ csrf_token }}\nnonce={{ csp_nonce }}\nwho={{ who }}\nbuilt={{ built }}"
)


@pytest.fixture(autouse=True)
def _page_template(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", {"page.html": PAGE})],
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                    "django.template.context_processors.csp",
                ],
            },
        }
    ]


def _request(user=None, message=None):
    request = RequestFactory().get("/page/")
    request.session = SessionStore()
    request.user = user or AnonymousUser()
    request._messages = FallbackStorage(request)
    request._csp_nonce = LazyNonce()
    if message:
        messages.info(request, message)
    return request


def _page(request, who, built):
    response = skeleton_response(
        request,
        "page.html",
        name="test-page",
        context=lambda: {"who": hole("who"), "built": built},
        values={"who": who},
    )
    return dict(part.split("=", 1) for part in response.content.decode().splitlines())


def test_the_first_visitors_user_messages_token_and_nonce_never_reach_the_next():
    staff = _request(user=front_desk_user(), message="Saved the front desk's draft")
    first = _page(staff, who="Ada <3", built="first")
    assert first["user"] == "" and first["messages"] == ""  # the skeleton is rendered for nobody
    visitor = _request()
    second = _page(visitor, who="Bea", built="second")
    assert second["built"] == "first"  # the kept skeleton, not a new render
    assert first["who"] == "Ada &lt;3" and second["who"] == "Bea"  # each request's value, escaped
    assert first["csrf"] != second["csrf"]
    assert _unmask_cipher_token(second["csrf"]) == visitor.META["CSRF_COOKIE"]
    assert second["nonce"] == str(visitor._csp_nonce) != str(staff._csp_nonce)
