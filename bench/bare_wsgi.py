"""The WSGI application of the bare Django site (bench/bare_settings.py), served like thrive.wsgi."""

import os

from django.core.wsgi import get_wsgi_application

# Not setdefault: the bench's environment names Thrive's settings for everything else it starts.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_settings"

application = get_wsgi_application()
