"""The owner opens the practice's insights from the admin, at a desk and on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.clinicians.factories import front_desk_user
from tests.insights.conftest import generate_year

pytestmark = pytest.mark.django_db(transaction=True)


def test_front_desk_reads_the_insights(sized_page, staff_groups):
    generate_year(60)
    front_desk_user(username="frontdesk")
    page = sized_page

    page.goto("/admin/")
    page.get_by_label("Username").fill("frontdesk")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="The practice's figures").click()

    expect(page.get_by_role("heading", name="Calls booked each week")).to_be_visible()
    expect(page.get_by_role("img", name="Calls booked each week, by how they were booked")).to_be_visible()
    page.get_by_label("Show").select_option(label="Last 12 months")
    page.get_by_role("button", name="Show these figures").click()
    expect(page.get_by_text("Last 12 months")).to_be_attached()
    page.get_by_text("Show as a table").first.click()
    expect(page.get_by_role("table", name="Calls booked each week")).to_be_visible()
    # Wide tables scroll inside their own region; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
