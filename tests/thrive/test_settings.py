import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_env_example_lists_every_variable_the_settings_read():
    read = set(re.findall(r'env(?:\.\w+)?\("([A-Z][A-Z0-9_]+)"', (ROOT / "thrive" / "settings.py").read_text()))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE))
    assert read, "the pattern no longer finds the settings' variables"
    assert read - listed == set()
