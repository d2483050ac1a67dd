"""The smallest Django site: the reference every page in `make bench` is measured against.

Django's default middleware (as `startproject` writes it) and one view that answers a fixed 6 KB
string; no database, no cache, no templates. It is what Django itself costs per request, so a
page's ratio to it shows what Thrive adds on top. Served by bench/bare_wsgi.py.
"""

import ast
import os
from pathlib import Path

import django
from django.http import HttpResponse
from django.urls import path

# About the size of a compressed Thrive page, so both send a similar number of bytes.
BODY = ("<p>Thrive for the People: the bare Django baseline.</p>\n" * 120)[: 6 * 1024].encode()


def startproject_setting(name):
    """A setting's value in the settings.py that `django-admin startproject` writes."""
    template = Path(django.__file__).parent / "conf" / "project_template" / "project_name" / "settings.py-tpl"
    for node in ast.parse(template.read_text()).body:
        if isinstance(node, ast.Assign) and node.targets[0].id == name:
            return ast.literal_eval(node.value)
    raise LookupError(f"startproject no longer writes {name}")


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-only-bare-key-" + "x" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
USE_TZ = True
DATABASES = {}
# The apps and middleware exactly as `startproject` writes them, read from the template it writes them
# from, so that the reference stays Django's own defaults as Django changes them.
INSTALLED_APPS = startproject_setting("INSTALLED_APPS")
MIDDLEWARE = startproject_setting("MIDDLEWARE")
STATIC_URL = "/static/"
LOGGING_CONFIG = None


def fixed_string(request):
    return HttpResponse(BODY)


urlpatterns = [path("", fixed_string)]
