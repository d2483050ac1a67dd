"""The clinician the practice announced, for `seed_demo`. Tests make their own with factories."""

# The practice's page names no clinician's specialties; the front desk adds them with the clinician.
SPECIALTIES = []

CLINICIANS = [
    {
        "slug": "maricor-coquia",
        "full_name": "Maricor Coquia",
        "credentials": "LMHC",
        "short_bio": "Mari is the newest member of our team. She offers Interpersonal Process Therapy to individuals "
        "and couples.",
        "full_bio": "Mari (Maricor) Coquia, LMHC, is the newest member of Thrive for the People. She offers "
        "Interpersonal Process Therapy to individuals and to couples, and she has openings now.\n\n"
        "A free 15-minute phone call is an easy way to see whether you'd like to work with her.",
        "approaches": "Interpersonal Process Therapy (IPT)",
        "specialties": [],
        "offers_individual": True,
        "offers_couples": True,
        "offers_in_person": True,
        "offers_online": True,
        "languages": "",
        "accepting_new_clients": True,
        "openings_note": "Openings for individual and couples therapy",
        "license_state": "WA",
        "display_order": 10,
        "alert_email": "mari@thriveforthepeople.example",
    },
]

# Weekly consultation-call windows, Pacific Time: (weekday Monday=0, start, end).
