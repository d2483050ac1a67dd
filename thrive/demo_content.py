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
    "postal_code": "98107",
    "latitude": "47.667060",
    "longitude": "-122.383510",
    "office_hours": "Monday–Friday, 9 AM–6 PM\nSaturday and Sunday: closed",
    "opening_hours_spec": "Mo-Fr 09:00-18:00",
    "service_area": "In person in Seattle; online for Washington residents",
    "crisis_notice": "In crisis? Call or text 988. In an emergency, call 911. King County Crisis Line: 206-461-3222.",
}

# Each page: its fields, then its sections as (heading, Markdown body).
