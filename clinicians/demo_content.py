"""The clinician the practice announced, for `seed_demo`. Tests make their own with factories."""

import datetime

SPECIALTIES = [
    "Depression",
    "Anxiety",
    "Grief and loss",
    "Life transitions",
    "Relationships",
    "Couples",
    "PTSD",
]

CLINICIANS = [
    {
        "slug": "maricor-coquia",
        "full_name": "Maricor Coquia",
        "credentials": "LMHC",
        "short_bio": "Mari is the newest member of our team. She works with individuals and couples, in person "
        "in Ballard and online, using Interpersonal Process Therapy.",
        "full_bio": "Mari (Maricor) Coquia is a Licensed Mental Health Counselor in Washington State and the "
        "newest member of Thrive for the People.\n\n"
        "She offers Interpersonal Process Therapy to individuals and couples, at our Ballard office or online "
        "for people who live in Washington. In her work she pays close attention to the relationships that "
        "matter most to you, and helps you try new ways of connecting that fit who you are.\n\n"
        "Mari has openings now. A free 15-minute phone call is an easy way to see whether you'd like to "
        "work with her.",
        "approaches": "Interpersonal Process Therapy (IPT)",
        "specialties": ["Depression", "Anxiety", "Relationships", "Couples", "Life transitions"],
        "offers_individual": True,
        "offers_couples": True,
        "offers_in_person": True,
        "offers_online": True,
        "languages": "English",
        "accepting_new_clients": True,
        "openings_note": "Openings for individual and couples therapy",
        "license_state": "WA",
        "joined_on": datetime.date(2026, 9, 1),
        "display_order": 10,
        "alert_email": "mari@thriveforthepeople.example",
    },
]

# Weekly consultation-call windows, Pacific Time: (weekday Monday=0, start, end).
