"""The public booking pages' addresses, and open times the tests' practice offers, as slot keys."""

BOOK = "/consultation/"
DETAILS = "/consultation/details/"
CALLBACK = "/consultation/callback/"
MONDAY_10 = "20260302T1800Z"  # Monday, March 2, 2026, 10:00 AM Pacific
MONDAY_1015 = "20260302T1815Z"
