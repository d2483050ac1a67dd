"""System checks that stop a production site from starting with a setting that would make it unsafe."""

from django.conf import settings
from django.core import checks
from django.core.checks.security.base import SECRET_KEY_WARNING_MSG, _check_secret_key

WEAK_KEY_CHECK_ID = "thrive.E001"


@checks.register(checks.Tags.security)
def check_secret_key_is_strong(app_configs, **kwargs):
    """A weak SECRET_KEY (the one `check --deploy` warns about) is an error outside DEBUG.

    Registered for every command, not only `check --deploy`: `migrate`, which production runs
    before the web, worker and beat start, then refuses to run.
    """
    if settings.DEBUG or _check_secret_key(settings.SECRET_KEY):
        return []
    return [
        checks.Error(
            SECRET_KEY_WARNING_MSG % "SECRET_KEY",
            hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
            id=WEAK_KEY_CHECK_ID,
        )
    ]
