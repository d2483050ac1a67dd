"""The practice's details as its current web page gives them, for a new site (loaded by demo's seed_demo)."""

SITE_SETTINGS = {
    "practice_name": "Thrive for the People",
    "phone": "206-403-1148",
    "email": "",
    # Not shown on the site: where booking and callback alerts go. The front desk sets the real one.
    "front_desk_email": "frontdesk@thriveforthepeople.example",
    "street_address": "5306 Ballard Ave NW",
    "city": "Seattle",
    "region": "WA",
    # The practice's page gives no ZIP code, map position, office hours, call-back time or fees: the
    # front desk fills them in (the admin's index lists what is still empty), and the site leaves them out.
    "postal_code": "",
    "office_hours": "",
    "opening_hours_spec": "",
    "callback_time": "",
    "session_fees": "",
    "service_area": "In person in Seattle; online for Washington residents",
    "crisis_notice": "In crisis? Call or text 988. In an emergency, call 911. King County Crisis Line: 206-461-3222.",
}

# Each page: its fields, then its sections as (heading, Markdown body).
