"""The insights page and its CSV: for the front desk only, counts only, small groups masked."""

import csv
import datetime
import io

import phonenumbers
import pytest
from django.urls import reverse

from consultations.models import Consultation
from tests.clinicians.factories import clinician_user, front_desk_user
from tests.consultations.factories import ConsultationFactory
from tests.html_checker import html_errors
from tests.insights.conftest import NOW, generate_year

URL = reverse("insights")
TWELVE_MONTHS = {"period": "12m"}


@pytest.fixture
def front_desk(client, db):
    client.force_login(front_desk_user())
    return client


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_clinician_may_not_see_the_practice_figures(client, db):
    client.force_login(clinician_user())

    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_index_links_to_insights_for_the_front_desk_only(client, db):
    client.force_login(front_desk_user())
    assert URL in client.get(reverse("admin:index")).content.decode()

    client.force_login(clinician_user())
    assert URL not in client.get(reverse("admin:index")).content.decode()


def test_no_client_is_named_in_the_page_or_the_csv(front_desk, year):
    page = front_desk.get(URL, TWELVE_MONTHS).content.decode()
    table = front_desk.get(URL, {**TWELVE_MONTHS, "format": "csv"}).content.decode()

    assert "Took place" in page and "Took place" in table
    for consultation in year:
        national = phonenumbers.format_number(consultation.phone, phonenumbers.PhoneNumberFormat.NATIONAL)
        for detail in (consultation.first_name, consultation.last_name, consultation.email, national):
            assert detail not in page
            assert detail not in table
        assert str(consultation.phone) not in table and consultation.reference not in page


def test_the_csv_holds_the_page_figures(front_desk, year):
    rows = csv_rows(front_desk.get(URL, {**TWELVE_MONTHS, "format": "csv"}))

    figures = {(section, label): value for section, label, value in rows[1:]}
    total = Consultation.objects.filter(created_at__date__gt=NOW.date() - datetime.timedelta(days=366)).count()
    assert rows[0] == ["Figure", "Of", "Value"]
    assert figures["Requests in the period", "All"] == str(total)
    cancelled_by_client = Consultation.objects.filter(status="cancelled", cancelled_by="client").count()
    assert figures["What became of the calls", "Cancelled by the client"] == str(cancelled_by_client)


def test_a_group_of_fewer_than_five_is_masked(front_desk, frozen_now):
    for _ in range(3):
        ConsultationFactory(status=Consultation.Status.NO_ANSWER, starts_at=NOW - datetime.timedelta(days=1))
    for _ in range(6):
        ConsultationFactory(status=Consultation.Status.COMPLETED, starts_at=NOW - datetime.timedelta(days=1))

    response = front_desk.get(URL, {"period": "4w"})
    figures = {(s, label): v for s, label, v in csv_rows(front_desk.get(URL, {"period": "4w", "format": "csv"}))[1:]}

    assert figures["What became of the calls", "No answer"] == "fewer than 5"
    assert figures["What became of the calls", "Took place"] == "6"
    # The rate would give the masked count away (3 of 9), so it is not shown either.
    assert figures["Rates", "No answer (% of calls due)"] == ""
    assert response.context["insights"].no_answer_rate is None
    assert "fewer than 5" in response.content.decode()


def test_two_dates_in_the_wrong_order_are_answered_at_the_field(front_desk, frozen_now):
    response = front_desk.get(URL, {"period": "between", "first_day": "2026-11-20", "last_day": "2026-11-01"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"last_day": ["The last day must be on or after the first day."]}
    # The page still shows the default three months rather than nothing.
    assert response.context["insights"].period.last_day == NOW.date()


def test_two_dates_choose_the_period(front_desk, frozen_now):
    response = front_desk.get(URL, {"period": "between", "first_day": "2026-01-05", "last_day": "2026-02-01"})

    period = response.context["insights"].period
    assert (period.first_day, period.last_day) == (datetime.date(2026, 1, 5), datetime.date(2026, 2, 1))


def test_the_page_takes_as_many_queries_for_a_busy_year_as_a_quiet_one(
    front_desk, frozen_now, django_assert_max_num_queries
):
    generate_year(20, seed=1)
    with django_assert_max_num_queries(14) as quiet:
        front_desk.get(URL, TWELVE_MONTHS)
    generate_year(120, seed=2)
    with django_assert_max_num_queries(14) as busy:
        front_desk.get(URL, TWELVE_MONTHS)

    assert len(busy.captured_queries) == len(quiet.captured_queries)


def test_the_page_is_valid_html(front_desk, year, vnu, tmp_path):
    (tmp_path / "insights.html").write_bytes(front_desk.get(URL, TWELVE_MONTHS).content)

    assert html_errors(vnu, tmp_path) == []
