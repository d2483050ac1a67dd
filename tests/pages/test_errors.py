from unittest import mock

import pytest
from django.db import OperationalError

from tests.responses import assert_page

pytestmark = pytest.mark.django_db

PHONE = "206-403-1148"  # the practice's, from SiteSettingsFactory


@pytest.fixture
def failing_client(client):
    client.raise_request_exception = False
    return client


def test_an_unexpected_error_shows_a_calm_page_with_the_phone_number(failing_client, site_settings):
    with mock.patch("pages.views.page_get", side_effect=RuntimeError("secret internals")):
        response = failing_client.get("/what-is-ipt/")

    assert_page(
        response, 500, says=["Something went wrong on our side", PHONE], leaves_out=["secret internals", "Traceback"]
    )


def test_the_database_down_page_renders_without_the_database(failing_client, site_settings):
    with (
        mock.patch("pages.views.page_get", side_effect=OperationalError("db gone")),
        mock.patch("thrive.context_processors.site_chrome", side_effect=OperationalError("db gone")),
    ):
        response = failing_client.get("/what-is-ipt/")

    assert_page(response, 503, says=["We can't open this page right now", PHONE, "988"], leaves_out=["db gone"])
