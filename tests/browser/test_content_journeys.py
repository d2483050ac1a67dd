"""Someone wondering whether therapy could help reads about IPT and finds how to reach a person."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def open_main_menu(page, width):
    """On a phone the menu folds away behind a Menu button; open it there."""
    if width == "phone":
        menu = page.locator("summary", has_text="Menu")
        expect(menu).to_be_visible()
        menu.click()
    return page.get_by_role("navigation", name="Main")


def test_visitor_reads_about_ipt_and_finds_the_phone_number(sized_page, width, demo_content):
    page = sized_page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Feel better in your relationships, and in yourself")

    open_main_menu(page, width).get_by_role("link", name="What is IPT?").click()

    expect(page).to_have_url(re.compile(r"/what-is-ipt/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What is Interpersonal Process Therapy?")
    expect(page.get_by_text("Interpersonal Process Therapy, or IPT, is a structured")).to_be_visible()

    phone = page.get_by_role("link", name=re.compile(r"206-403-1148")).first
    expect(phone).to_be_visible()
    expect(phone).to_have_attribute("href", re.compile(r"^tel:\+?1?206-?403-?1148$"))
    expect(page.get_by_text("988").first).to_be_visible()


def test_visitor_who_mistypes_an_address_finds_a_way_on(sized_page, width, demo_content):
    page = sized_page
    response = page.goto("/what-is-itp/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't find that page")
    page.get_by_role("main").get_by_role("link", name="Go to the home page").click()
    expect(page).to_have_url(re.compile(r"/$"))
