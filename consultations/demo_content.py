"""When the demo clinicians take calls, and the days the whole practice is closed (loaded by demo's seed_demo)."""

import datetime

CONSULTATION_HOURS = {
    "maricor-coquia": [
        (day, datetime.time(start), datetime.time(end)) for day in range(5) for start, end in ((10, 12), (14, 17))
    ],
}


HOLIDAYS = [
    ("Thanksgiving", "2026-11-26", "2026-11-27"),
    ("Winter holidays", "2026-12-24", "2026-12-25"),
    ("New Year's Day", "2027-01-01", "2027-01-01"),
    ("Martin Luther King Jr. Day", "2027-01-18", "2027-01-18"),
    ("Presidents' Day", "2027-02-15", "2027-02-15"),
    ("Memorial Day", "2027-05-31", "2027-05-31"),
    ("Juneteenth", "2027-06-18", "2027-06-18"),
    ("Independence Day", "2027-07-05", "2027-07-05"),
    ("Labor Day", "2027-09-06", "2027-09-06"),
    ("Thanksgiving", "2027-11-25", "2027-11-26"),
    ("Winter holidays", "2027-12-24", "2027-12-24"),
]
