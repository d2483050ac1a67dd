"""Build the scaled-up practice the benchmark runs against, and measure what only Django itself can see.

Run as `python -m bench.dataset <command>` with DJANGO_SETTINGS_MODULE=bench.settings and the
benchmark's database; every command prints one JSON object.
"""

import argparse
import datetime
import io
import json
import random
import statistics
import time
from zoneinfo import ZoneInfo

import django

PACIFIC = ZoneInfo("America/Los_Angeles")
BENCH_CLINICIAN_PREFIX = "bench-clinician-"
BENCH_PAGE_PREFIX = "bench-page-"
FIRST_NAMES = ["Avery", "Jordan", "Rosa", "Samir", "Mei", "Tomas", "Noor", "Elena", "Kofi", "Hana", "Luis", "Greta"]
LAST_NAMES = ["Okafor", "Lindqvist", "Nakamura", "Alvarez", "Haddad", "Novak", "Brennan", "Osei", "Park", "Moreau"]


def build(*, clinicians, pages, consultations):
    """The real demo content plus enough clinicians, pages and consultations to look like a busy practice."""
    from django.core.management import call_command

    from clinicians.models import Clinician, Specialty
    from consultations.models import Consultation, ConsultationHours
    from pages.models import Page, Section

    call_command("seed_demo", stdout=io.StringIO())
    Consultation.objects.all().delete()
    Clinician.objects.filter(slug__startswith=BENCH_CLINICIAN_PREFIX).delete()
    Page.objects.filter(slug__startswith=BENCH_PAGE_PREFIX).delete()

    rng = random.Random(7)
    # The demo content names no specialties (the practice gave none): the benchmark's clinicians get their own.
    for name in ("Depression", "Anxiety", "Grief", "Life changes", "Relationships"):
        Specialty.objects.get_or_create(slug=f"bench-{name.lower().replace(' ', '-')}", defaults={"name": name})
    specialties = list(Specialty.objects.all())
    new_clinicians = Clinician.objects.bulk_create(
        Clinician(
            full_name=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]}",
            slug=f"{BENCH_CLINICIAN_PREFIX}{i:03d}",
            credentials=rng.choice(["LMHC", "LICSW", "LMFT", "PhD"]),
            short_bio="Works with adults on depression, anxiety and relationships, using IPT.",
            full_bio="A clinician added for the benchmark.\n\nTheir profile is as long as a real one. " * 6,
            offers_couples=i % 3 == 0,
            offers_in_person=i % 4 != 0,
            accepting_new_clients=i % 5 != 0,
            display_order=100 + i,
            alert_email=f"clinician{i}@bench.example",
        )
        for i in range(1, 100)
    )
    Clinician.specialties.through.objects.bulk_create(
        Clinician.specialties.through(clinician_id=clinician.pk, specialty_id=specialty.pk)
        for clinician in new_clinicians
        for specialty in rng.sample(specialties, min(3, len(specialties)))
    )
    ConsultationHours.objects.bulk_create(
        ConsultationHours(clinician=clinician, weekday=day, starts_at=datetime.time(start), ends_at=datetime.time(end))
        for clinician in new_clinicians
        for day in range(5)
        for start, end in ((10, 12), (14, 17))
    )
    activate(clinicians=clinicians)

    for n in range(1, max(0, pages - Page.objects.published().count()) + 1):
        page = Page.objects.create(
            slug=f"{BENCH_PAGE_PREFIX}{n:02d}",
            title=f"A page about living well, part {n}",
            lead="A page as long as the practice's real ones, added for the benchmark.",
            status=Page.Status.PUBLISHED,
            show_in_navigation=False,
        )
        Section.objects.bulk_create(
            Section(page=page, order=order, heading=f"Part {order}", body="Some plain words. " * 60)
            for order in range(1, 5)
        )
    add_consultations(count=consultations)
    return {"clinicians": Clinician.objects.active().count(), "pages": Page.objects.published().count()}


def activate(*, clinicians):
    """Show exactly this many clinicians on the site (the real one first)."""
    from clinicians.models import Clinician

    ordered = list(Clinician.objects.order_by("display_order", "pk").values_list("pk", flat=True))
    Clinician.objects.filter(pk__in=ordered[:clinicians]).update(active=True)
    Clinician.objects.filter(pk__in=ordered[clinicians:]).update(active=False)
    return {"clinicians": Clinician.objects.active().count()}


def add_consultations(*, count):
    """Past and upcoming calls spread over every clinician: half done, half still to come."""
    from clinicians.models import Clinician
    from consultations.models import Consultation

    rng = random.Random(count)
    clinician_ids = list(Clinician.objects.values_list("pk", flat=True))
    today = datetime.datetime.now(PACIFIC).replace(hour=0, minute=0, second=0, microsecond=0)
    taken = set(
        Consultation.objects.exclude(starts_at=None).values_list("clinician_id", "starts_at").iterator(chunk_size=5000)
    )
    batch = []
    while len(batch) < count:
        upcoming = len(batch) % 2 == 0
        # Upcoming calls stay sparse (a few a day) so the open times stay open; past calls go back years.
        day = rng.randint(1, 21) if upcoming else -rng.randint(1, 3650)
        starts_at = today + datetime.timedelta(days=day, hours=rng.choice([10, 11, 14, 15, 16]))
        starts_at += datetime.timedelta(minutes=15 * rng.randint(0, 3))
        clinician_id = rng.choice(clinician_ids)
        if (clinician_id, starts_at) in taken:
            continue
        taken.add((clinician_id, starts_at))
        batch.append(
            Consultation(
                clinician_id=clinician_id,
                starts_at=starts_at,
                status=Consultation.Status.CONFIRMED if upcoming else rng.choice(["completed", "no_answer", "called"]),
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                phone=f"+1206555{rng.randint(0, 9999):04d}",
                email="client@bench.example",
                state_of_residence="WA",
                consented_at=starts_at - datetime.timedelta(days=2),
            )
        )
    Consultation.objects.bulk_create(batch, batch_size=5000)
    _analyze()
    return {"consultations": Consultation.objects.count()}


def _analyze():
    """Refresh the planner's statistics after a bulk load, as autovacuum soon would on a live site."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def queries(*, paths):
    """SQL queries each page runs with an empty cache, and again once the cache is warm."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from thrive.cache import page_cache_clear

    result = {}
    for path in paths:
        cache.clear()
        page_cache_clear()
        client = Client()
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            counts.append(len(captured))
        result[path] = {"status": response.status_code, "cold": counts[0], "warm": counts[1]}
    return result


def _timed_get(url, *, repeats):
    """Query count and time of a staff page, signed in as the front desk (with the second factor passed)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from consultations.models import Consultation

    user, _ = get_user_model().objects.get_or_create(
        username="bench-front-desk", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    _verify_second_factor(client, user)
    client.get(url)  # warm the connection and templates
    timings = []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "consultations": Consultation.objects.count(),
        "status": response.status_code,
        "queries": len(captured),
        "p50_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
    }


def admin_list(*, repeats):
    """The front desk's consultation list."""
    from django.urls import reverse

    return _timed_get(reverse("admin:consultations_consultation_changelist"), repeats=repeats)


def insights(*, repeats):
    """The insights page over 12 months, once every consultation was asked for days before its call."""
    from django.db.models import Case, DurationField, ExpressionWrapper, F, Value, When
    from django.db.models.functions import Mod
    from django.urls import reverse

    from consultations.models import Consultation

    BookedVia = Consultation.BookedVia
    Consultation.objects.exclude(starts_at=None).update(
        created_at=F("starts_at")
        - ExpressionWrapper(Value(datetime.timedelta(hours=7)) * (Mod(F("id"), 40) + 1), output_field=DurationField()),
        booked_via=Case(
            When(id__endswith="3", then=Value(BookedVia.FRONT_DESK)),
            When(id__endswith="7", then=Value(BookedVia.CALLBACK)),
            default=Value(BookedVia.ONLINE),
        ),
        heard_about=Case(
            When(id__endswith="1", then=Value("Google")),
            When(id__endswith="2", then=Value("A friend told me")),
            When(id__endswith="5", then=Value("Psychology Today")),
            default=Value(""),
        ),
    )
    _analyze()
    return _timed_get(f"{reverse('insights')}?period=12m", repeats=repeats)


def _verify_second_factor(client, user):
    """Staff sign in with a second factor; mark this session as having passed it, where django-otp is in use."""
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:
        return
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.dataset")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("build")
    command.add_argument("--clinicians", type=int, default=30)
    command.add_argument("--pages", type=int, default=20)
    command.add_argument("--consultations", type=int, default=2000)
    commands.add_parser("activate").add_argument("--clinicians", type=int, required=True)
    commands.add_parser("add-consultations").add_argument("--count", type=int, required=True)
    commands.add_parser("queries").add_argument("paths", nargs="+")
    commands.add_parser("admin-list").add_argument("--repeats", type=int, default=20)
    commands.add_parser("insights").add_argument("--repeats", type=int, default=10)
    args = vars(parser.parse_args())
    django.setup()
    handler = {
        "build": build,
        "activate": activate,
        "add-consultations": add_consultations,
        "queries": queries,
        "admin-list": admin_list,
        "insights": insights,
    }[args.pop("command")]
    print(json.dumps(handler(**{key.replace("-", "_"): value for key, value in args.items()})))


if __name__ == "__main__":
    main()
