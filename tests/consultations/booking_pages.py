"""The public booking pages' addresses, open times the tests' practice offers as slot keys, and reading a form."""

import re

BOOK = "/consultation/"
DETAILS = "/consultation/details/"
CALLBACK = "/consultation/callback/"
MONDAY_10 = "20260302T1800Z"  # Monday, March 2, 2026, 10:00 AM Pacific
MONDAY_1015 = "20260302T1815Z"


def form_token(page):
    """The one-time token in a booking page's form, read from its HTML as a browser sends it back."""
    return re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)
