"""The production settings, plus one bench-only URL: a minimal view that measures the stack itself."""

from thrive.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
