"""How many SQL queries each booking page costs: a change that adds one shows here first (issue 11)."""

import pytest
import time_machine
from django.test import Client

from tests.consultations.booking_pages import BOOK, CALLBACK, DETAILS, MONDAY_10, MONDAY_1015, form_token
from tests.consultations.factories import ConsultationSettingsFactory, booking_form_data, pt
from tests.pages.factories import PageFactory
from thrive.cache import bump_content_generation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _practice(site_settings, mari):
    PageFactory(slug="privacy", title="Consumer health data privacy policy")
    ConsultationSettingsFactory()
    with time_machine.travel(pt(2026, 3, 1, 8, 0), tick=False):
        yield


def _warm(client, *paths):
    """The site's header, footer and menu come from the cache after the first page."""
    for path in paths:
        client.get(path)


def test_slot_page_cold(client, django_assert_num_queries):
    _warm(client, BOOK)
    bump_content_generation()
    # Hours and time off (the standing schedule, cached apart from the bookings), calendar busy times and
    # bookings; the clinicians; the settings; the menu; the announcement.
    with django_assert_num_queries(7):
        assert client.get(BOOK).status_code == 200


def test_slot_page_warm_is_the_page_cache_alone(client, django_assert_num_queries):
    _warm(client, BOOK)
    with django_assert_num_queries(0):
        assert client.get(BOOK).status_code == 200


def test_booking_form(client, django_assert_num_queries):
    _warm(client, BOOK, f"{DETAILS}?slot={MONDAY_10}")
    # The chosen time comes from the cached open times and the empty form's fields from the cache.
    with django_assert_num_queries(0):
        assert client.get(DETAILS, {"slot": MONDAY_10}).status_code == 200


def _book(client, slot):
    page = client.get(DETAILS, {"slot": slot})
    data = booking_form_data(slot=slot, form_token=form_token(page))
    return client.post(DETAILS, data)


@pytest.mark.parametrize("chosen", ["", "maricor-coquia"], ids=["anyone", "a-clinician-chosen"])
def test_booking_post(client, django_assert_num_queries, chosen):
    _book(Client(REMOTE_ADDR="10.0.0.9"), MONDAY_1015)  # the policy's version is recorded once and cached, by the first
    page = client.get(DETAILS, {"slot": MONDAY_10})
    data = booking_form_data(
        slot=MONDAY_10,
        form_token=form_token(page),
        phone="206-201-0124",
        email="b@example.com",
        clinician=chosen,
    )
    # The clinician chosen by name, or else the free ones ranked by their upcoming calls; the bookings near
    # that one time (the weekly hours, time off and who has an own calendar are cached; nobody here has
    # one, so no busy times to read); an earlier call; the call, its history and its notifications in one
    # transaction (6: the notifications are checked for and written, their ids coming back with the insert).
    # The policy's version is cached; the browser's own bookings go in a signed cookie, not a session;
    # the form token is looked up only when the call can't simply be saved (a double click).
    with django_assert_num_queries(9):
        response = client.post(DETAILS, data)
    assert response.status_code == 302


def test_callback_page(client, django_assert_num_queries):
    _warm(client, CALLBACK)
    with django_assert_num_queries(0):  # the hours it offers are the cached weekly schedule
        assert client.get(CALLBACK).status_code == 200


def test_reschedule_page(client, django_assert_num_queries):
    location = _book(client, MONDAY_10)["Location"]
    _warm(client, location + "reschedule/")
    # The booking, and the bookings near the time chosen: no session to read (the browser's own bookings are
    # in a cookie) and the weekly schedule is cached.
    with django_assert_num_queries(2):
        assert client.get(location + "reschedule/", {"slot": MONDAY_1015}).status_code == 200


def test_booking_form_after_someone_books_reads_only_the_open_times_again(client, django_assert_num_queries):
    _warm(client, BOOK, f"{DETAILS}?slot={MONDAY_10}")
    _book(Client(REMOTE_ADDR="10.0.0.9"), MONDAY_1015)
    # The bookings near that time: the weekly schedule, the header, the menu and the empty form are kept.
    with django_assert_num_queries(1):
        assert client.get(DETAILS, {"slot": MONDAY_10}).status_code == 200
