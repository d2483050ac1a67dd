from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_client(client):
    client.raise_request_exception = False
    return client


def test_an_unexpected_error_shows_a_calm_page_with_the_phone_number(failing_client, site_settings):
    with mock.patch("pages.views.page_get", side_effect=RuntimeError("secret internals")):
        response = failing_client.get("/what-is-ipt/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "206-403-1148" in html
    assert "secret internals" not in html
    assert "Traceback" not in html


def test_the_database_down_page_renders_without_the_database(failing_client, site_settings):
    with (
        mock.patch("pages.views.page_get", side_effect=OperationalError("db gone")),
        mock.patch("thrive.context_processors.site_chrome", side_effect=OperationalError("db gone")),
    ):
        response = failing_client.get("/what-is-ipt/")

    assert response.status_code == 503
    html = response.content.decode()
    assert "We can't open this page right now" in html
    assert "206-403-1148" in html
    assert "988" in html
    assert "db gone" not in html
