"""`make bench`: how fast the production set-up serves Thrive, and how that changes as the practice grows."""
