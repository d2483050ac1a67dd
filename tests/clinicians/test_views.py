import json
import re

import pytest
from django.urls import reverse

from clinicians.models import Clinician
from tests.clinicians.factories import ClinicianFactory, SpecialtyFactory
from tests.pages.factories import AnnouncementFactory, PageFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/clinicians/"


def card_names(response):
    return re.findall(r'class="clinician-card__name"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def directory(site_settings):
    grief = SpecialtyFactory(name="Grief", slug="grief")
    anxiety = SpecialtyFactory(name="Anxiety", slug="anxiety")
    return {
        "grief": grief,
        "anxiety": anxiety,
        "ana": ClinicianFactory(
            full_name="Ana Online",
            offers_in_person=False,
            offers_online=True,
            offers_couples=True,
            specialties=[grief],
            display_order=1,
        ),
        "ben": ClinicianFactory(
            full_name="Ben Office",
            offers_in_person=True,
            offers_online=False,
            offers_couples=False,
            accepting_new_clients=False,
            specialties=[anxiety],
            display_order=2,
        ),
        "cy": ClinicianFactory(full_name="Cy Gone", active=False, specialties=[grief], display_order=3),
    }


def test_directory_lists_active_clinicians_in_display_order(client, directory):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert card_names(response) == ["Ana Online", "Ben Office"]


def test_card_shows_credentials_pronouns_specialties_formats_and_badge(client, site_settings):
    ClinicianFactory(
        full_name="Dee Card",
        credentials="LICSW",
        pronouns="she/her",
        openings_note="Openings on Tuesday evenings",
        specialties=[SpecialtyFactory(name="Life transitions", slug="life-transitions")],
    )

    html = client.get(LIST_URL).content.decode()

    for text in ("LICSW", "she/her", "Life transitions", "Online for Washington residents", "Accepting new clients"):
        assert text in html
    assert "Openings on Tuesday evenings" in html


def test_card_without_photo_shows_placeholder_with_dimensions(client, site_settings):
    ClinicianFactory()

    html = client.get(LIST_URL).content.decode()

    assert re.search(
        r'<img class="clinician-card__photo" src="[^"]*clinician-placeholder[^"]*\.svg" alt="" '
        r'width="96" height="96">',
        html,
    )


def test_cards_below_the_first_two_load_lazily(client, site_settings):
    ClinicianFactory.create_batch(
        4, photo="clinicians/x.jpg", photo_card="clinicians/x-card.jpg", photo_width=640, photo_height=640
    )

    images = re.findall(r'<img class="clinician-card__photo"[^>]*>', client.get(LIST_URL).content.decode())

    assert [('loading="lazy"' in img) for img in images] == [False, False, True, True]
    assert all('width="192" height="192"' in img for img in images)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("accepting=on", ["Ana Online"]),
        ("service=couples", ["Ana Online"]),
        ("service=individual", ["Ana Online", "Ben Office"]),
        ("format=in_person", ["Ben Office"]),
        ("format=online", ["Ana Online"]),
        ("specialty=anxiety", ["Ben Office"]),
        ("specialty=grief&format=online", ["Ana Online"]),
    ],
)
def test_filters_narrow_the_directory(client, directory, query, expected):
    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert card_names(response) == expected


def test_unknown_filter_values_are_ignored(client, directory):
    response = client.get(f"{LIST_URL}?service=family&format=moon&specialty=nonsense&accepting=maybe&page=9")

    assert response.status_code == 200
    assert card_names(response) == ["Ana Online", "Ben Office"]
    assert "errorlist" not in response.content.decode()


def test_chosen_filters_stay_selected_in_the_form(client, directory):
    html = client.get(f"{LIST_URL}?format=online&specialty=grief&accepting=on").content.decode()

    assert '<option value="online" selected>' in html
    assert '<option value="grief" selected>' in html
    assert re.search(r'<input type="checkbox" name="accepting"[^>]*checked', html)


def test_no_match_says_so_and_offers_to_clear_the_filters(client, directory):
    response = client.get(f"{LIST_URL}?specialty=anxiety&format=online")
    html = response.content.decode()

    assert card_names(response) == []
    assert "<title>Our clinicians: 0 matching your choices" in html
    assert "No clinician matches all of those choices" in html
    assert f'<a href="{LIST_URL}">clear the filters and see everyone</a>' in html


def test_filter_form_is_a_plain_get_form(client, directory):
    html = client.get(LIST_URL).content.decode()

    assert re.search(r'<form class="clinician-filters" method="get" action="/clinicians/"', html)
    for name in ("accepting", "service", "format", "specialty"):
        assert f'name="{name}"' in html


def test_directory_query_count_does_not_grow_with_clinicians(client, site_settings, django_assert_max_num_queries):
    specialties = SpecialtyFactory.create_batch(5)
    for _ in range(30):
        ClinicianFactory(specialties=specialties[:3])
    PageFactory()
    AnnouncementFactory()

    # Cold cache: the site chrome (settings, menu, announcement) is built in this request too.
    with django_assert_max_num_queries(6):
        response = client.get(f"{LIST_URL}?service=individual")

    assert len(card_names(response)) == 30


def test_profile_shows_full_bio_and_booking_link_with_first_name(client, site_settings):
    clinician = ClinicianFactory(full_name="Maricor Coquia", slug="maricor-coquia", full_bio="She *listens*.")

    response = client.get(clinician.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "She <em>listens</em>." in html
    assert (
        '<a class="btn btn-primary btn-lg" href="/consultation/?clinician=maricor-coquia">'
        "Book a free 15-minute consultation with Maricor</a>"
    ) in html


def test_profile_of_clinician_not_accepting_has_no_personal_booking_link(client, site_settings):
    clinician = ClinicianFactory(full_name="Ben Full", accepting_new_clients=False)

    html = client.get(clinician.get_absolute_url()).content.decode()

    assert "?clinician=" not in html
    assert "Not taking new clients right now" in html


def test_profile_escapes_text_staff_typed(client, site_settings):
    clinician = ClinicianFactory(full_name="<script>alert(1)</script> Name", pronouns="<b>they</b>")

    html = client.get(clinician.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;they&lt;/b&gt;" in html


def test_profile_has_person_structured_data_within_the_practice(client, site_settings, settings):
    specialty = SpecialtyFactory(name="Grief", slug="grief")
    clinician = ClinicianFactory(
        full_name="Dee Data", credentials="LMHC", languages="English, Tagalog", specialties=[specialty]
    )

    html = client.get(clinician.get_absolute_url()).content.decode()
    blocks = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)]
    person = next(b for b in blocks if b["@type"] == "Person")

    assert person["name"] == "Dee Data"
    assert person["honorificSuffix"] == "LMHC"
    assert person["url"] == f"{settings.SITE_URL}{clinician.get_absolute_url()}"
    assert person["worksFor"]["@id"] == f"{settings.SITE_URL}/#practice"
    assert person["worksFor"]["name"] == site_settings.practice_name
    assert person["knowsLanguage"] == ["English", "Tagalog"]
    assert "Grief" in person["knowsAbout"]
    assert any(b["@type"] == "MedicalClinic" for b in blocks)


@pytest.mark.parametrize("slug", ["nobody-here", "left-the-practice"])
def test_unknown_or_inactive_profile_is_404(client, site_settings, slug):
    ClinicianFactory(slug="left-the-practice", active=False)

    assert client.get(reverse("clinicians:detail", kwargs={"slug": slug})).status_code == 404


def test_profile_is_served_from_the_page_cache_until_the_clinician_changes(
    client, site_settings, django_assert_num_queries
):
    clinician = ClinicianFactory(openings_note="Tuesdays")
    client.get(clinician.get_absolute_url())

    with django_assert_num_queries(0):
        cached = client.get(clinician.get_absolute_url())
    assert "Tuesdays" in cached.content.decode()

    clinician.openings_note = "Thursdays"
    clinician.save()
    assert "Thursdays" in client.get(clinician.get_absolute_url()).content.decode()


def test_changing_specialties_refreshes_the_cached_directory(client, site_settings):
    clinician = ClinicianFactory()
    client.get(LIST_URL)

    clinician.specialties.add(SpecialtyFactory(name="Perinatal", slug="perinatal"))

    assert "Perinatal" in client.get(LIST_URL).content.decode()


def test_directory_answers_head_but_refuses_post(client, site_settings):
    assert client.head(LIST_URL).status_code == 200
    assert client.post(LIST_URL).status_code == 405


def test_clinician_queryset_names_its_reads(site_settings):
    accepting = ClinicianFactory(accepting_new_clients=True)
    ClinicianFactory(accepting_new_clients=False)
    ClinicianFactory(active=False)

    assert list(Clinician.objects.active().accepting()) == [accepting]


def test_filters_offer_only_what_an_active_clinician_has(client, directory):
    SpecialtyFactory(name="PTSD", slug="ptsd")  # nobody lists it
    directory["ben"].specialties.clear()  # now no active clinician lists anxiety
    html = client.get("/clinicians/").content.decode()
    assert 'value="grief"' in html
    assert 'value="ptsd"' not in html
    assert 'value="anxiety"' not in html
    assert 'value="couples"' in html


def test_a_filter_nobody_could_match_is_left_out(client, site_settings):
    ClinicianFactory(full_name="Ana One", offers_couples=False, specialties=[])
    ClinicianFactory(full_name="Bo Two", offers_couples=False, specialties=[])
    html = client.get("/clinicians/").content.decode()
    assert "clinician-filters" in html
    assert 'value="couples"' not in html
    assert 'name="specialty"' not in html
