"""The smallest Django site: the reference every page in `make bench` is measured against.

Django's default middleware (as `startproject` writes it) and one view that answers a fixed 6 KB
string; no database, no cache, no templates. It is what Django itself costs per request, so a
page's ratio to it shows what Thrive adds on top. Served by bench/bare_wsgi.py.
"""

import os

from django.http import HttpResponse
from django.urls import path

# About the size of a compressed Thrive page, so both send a similar number of bytes.
BODY = ("<p>Thrive for the People: the bare Django baseline.</p>\n" * 120)[: 6 * 1024].encode()

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-only-bare-key-" + "x" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
USE_TZ = True
DATABASES = {}
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
STATIC_URL = "/static/"
LOGGING_CONFIG = None


def fixed_string(request):
    return HttpResponse(BODY)


urlpatterns = [path("", fixed_string)]
