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


def test_the_error_page_renders_even_when_the_database_is_down(failing_client, site_settings):
    with (
        mock.patch("pages.views.page_get", side_effect=OperationalError("db gone")),
        mock.patch("thrive.context_processors.site_chrome", side_effect=OperationalError("db gone")),
    ):
        response = failing_client.get("/what-is-ipt/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "988" in html
