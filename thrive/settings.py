"""Settings for the Thrive site: one module, driven by the environment.

Every variable is listed, with what it does, in `.env.example`.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    # A development-only key: production has no default and refuses to start.
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-key-do-not-deploy")
else:
    SECRET_KEY = env("SECRET_KEY")
    if not SECRET_KEY.strip():
        raise ImproperlyConfigured("Set SECRET_KEY: production has no default (see .env.example).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "solo",
    # The site itself first, then the apps in the order they may depend on each other (see the README).
    "thrive",
    "staff",
    "clinicians",
    "pages",
    "consultations",
    "insights",
    "demo",
]

# Order matters. The page cache comes first: it checks the host, then answers a cached page
# with the headers the middleware below had set when the page was stored, so a hit runs none
# of them. Security, static files and the headers every response carries come next, before
# the session, CSRF and auth machinery.
MIDDLEWARE = [
    "thrive.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "thrive.headers.PermissionsPolicyMiddleware",
    # A lost database connection: a page that only reads is tried again on a fresh one; otherwise the
    # 503 page saying nothing was saved. Its response still gets the security headers above.
    "thrive.outage.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff only: the second factor, the idle timeout and who-did-what all need the signed-in user.
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.StaffSecurityMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "thrive.urls"
WSGI_APPLICATION = "thrive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "thrive.context_processors.site",
                "pages.context_processors.content",
            ],
        },
    },
]

# Database: PostgreSQL in production and CI; an embedded SQLite file for `make run`.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'thrive.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and Celery: Redis when REDIS_URL is set; otherwise in-process and eager.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "thrive.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="thrive"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-solo keeps the site's and the consultations' settings rows in the cache; saving one refreshes it.
SOLO_CACHE = "default"
SOLO_CACHE_TIMEOUT = 60 * 60
SOLO_CACHE_PREFIX = "solo"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "America/Los_Angeles"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it has run, and goes back on the queue if its
# worker dies; each worker holds one task at a time, so a dying one holds few.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# When the worker loses Redis mid-send, let the send finish and mark its row sent:
# the redelivered copy then finds it sent. Cancelling could repeat a delivered message.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Redis redelivers a task not acknowledged within the visibility timeout. The
# longest mail retry wait (NOTIFICATION_RETRY_MAX_SECONDS) stays far below it.
BROKER_VISIBILITY_TIMEOUT_SECONDS = 60 * 60
# Publishing fails fast: with Redis down, a booking still answers in a second or
# two and its outbox row waits for the sweeper instead of the client waiting.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT_SECONDS,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CALENDAR_SYNC_MINUTES = env.int("CALENDAR_SYNC_MINUTES", default=5)
CELERY_BEAT_SCHEDULE = {
    # Messages still waiting a few minutes after they were due (lost task, broker down at booking).
    "requeue-stale-notifications": {"task": "consultations.tasks.requeue_stale_notifications", "schedule": 60.0},
    "record-due-reminders": {"task": "consultations.tasks.record_due_reminders", "schedule": 5 * 60.0},
    # Each clinician's list of tomorrow's calls, late afternoon Pacific Time (CELERY_TIMEZONE).
    "record-daily-digests": {
        "task": "consultations.tasks.record_daily_digests",
        "schedule": crontab(hour=17, minute=0),
    },
    # Consumer health data is kept no longer than ConsultationSettings.retention_days (consultations/privacy.py).
    "erase-expired-personal-data": {
        "task": "consultations.tasks.erase_expired_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
    # Staff sign-in records are kept SIGNIN_RECORD_RETENTION_DAYS (staff/services.py).
    "purge-old-signin-records": {
        "task": "staff.tasks.purge_old_signin_records",
        "schedule": crontab(hour=3, minute=45),
    },
    # Busy times from clinicians' own calendars (consultations/calendars/).
    "sync-external-calendars": {
        "task": "consultations.tasks.sync_external_calendars",
        "schedule": CALENDAR_SYNC_MINUTES * 60.0,
    },
}

# Clinicians' own calendars (consultations/calendars/). Addresses are encrypted with this key, or one
# derived from SECRET_KEY when it is empty (changing either means entering the addresses again).
CALENDAR_ADDRESS_KEY = env("CALENDAR_ADDRESS_KEY", default="")
# How long the last good copy of a calendar that stopped answering stays in force; after that the
# clinician's times are hidden rather than offered blind.
CALENDAR_STALE_AFTER = timedelta(minutes=env.int("CALENDAR_STALE_MINUTES", default=60))
# Reading one calendar: seconds to wait and bytes to accept at most.
CALENDAR_FETCH_TIMEOUT_SECONDS = env.float("CALENDAR_FETCH_TIMEOUT_SECONDS", default=10.0)
CALENDAR_FETCH_MAX_BYTES = env.int("CALENDAR_FETCH_MAX_BYTES", default=5 * 1024 * 1024)
# Addresses on this machine (http://127.0.0.1) are refused unless this is on, so a calendar address can
# never reach the practice's own network; on by default only for development.
CALENDAR_FETCH_ALLOW_LOOPBACK = env.bool("CALENDAR_FETCH_ALLOW_LOOPBACK", default=DEBUG)
# A calendar app asking for a clinician's subscription feed more often than this per hour gets "429".
CALENDAR_FEED_REQUESTS_PER_HOUR = env.int("CALENDAR_FEED_REQUESTS_PER_HOUR", default=60)

# Notifications: how often and how long a message is retried before it shows as failed.
# Waits double from the base: 30 s, 1, 2, 4, 8 minutes (about 15 minutes in all).
NOTIFICATION_MAX_ATTEMPTS = 6
NOTIFICATION_RETRY_BASE_SECONDS = 30.0
NOTIFICATION_RETRY_MAX_SECONDS = 10 * 60.0
# How long after it was due a waiting message is handed to the workers again.
NOTIFICATION_STALE_MINUTES = 5
# How long a worker may take over one message (claim to recorded outcome) before the row counts as
# left mid-send and is sent again with the same Message-ID. Well above the mail timeouts of one send.
NOTIFICATION_LEASE_SECONDS = env.int("NOTIFICATION_LEASE_SECONDS", default=120)

# Mail (Django 6.1 MAILERS): files under var/mail/ in debug unless EMAIL_URL names a server.
EMAIL_URL = env("EMAIL_URL", default="")
MAIL_TIMEOUT_SECONDS = env.int("EMAIL_TIMEOUT", default=10)
if EMAIL_URL:
    _email = env.email_url("EMAIL_URL")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email["EMAIL_HOST"],
                "port": _email["EMAIL_PORT"],
                "username": _email["EMAIL_HOST_USER"] or None,
                "password": _email["EMAIL_HOST_PASSWORD"] or None,
                "use_tls": _email.get("EMAIL_USE_TLS", False),
                "use_ssl": _email.get("EMAIL_USE_SSL", False),
                "timeout": MAIL_TIMEOUT_SECONDS,
            },
        }
    }
elif DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "localhost", "port": 25, "timeout": MAIL_TIMEOUT_SECONDS},
        }
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Thrive for the People <hello@thriveforthepeople.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# django-axes watches every sign-in first; Django's own backend then checks the password.
AUTHENTICATION_BACKENDS = [
    "staff.backends.SignInGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = "US"
PHONENUMBER_DB_FORMAT = "E164"

# Security headers that hold in every environment.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script anywhere: a page that needs script loads a file from 'self',
# or uses the per-request nonce (which also keeps that page out of the cache).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# Database sessions whose reads and writes never turn a database fault into an error page (thrive/sessions.py).
SESSION_ENGINE = "thrive.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "thrive.views.csrf_failure"
# Nothing on the site uses the camera, microphone, location, payment or FLoC-style tracking.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), interest-cohort=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), browsing-topics=()"
)
# Bigger bodies than this (a form is a few kilobytes) are refused with 400 before any view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# HTTPS. Cookies are Secure and HSTS is on unless DEBUG. Behind a reverse proxy that ends TLS, set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO, but only if the proxy always sets (and overwrites) that
# header; then plain-HTTP requests are redirected to HTTPS too.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
_proxy_ssl_header = env("SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=bool(_proxy_ssl_header) and not DEBUG)
# The container's own health check asks over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# How many reverse proxies in front of the site append to X-Forwarded-For: 0 means REMOTE_ADDR is the
# client. Rate limits and sign-in lock-outs key on the address this yields (see thrive/net.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Staff sign-in. Visitors never sign in; only staff have sessions.
LOGIN_URL = "admin:login"
# A signed-in staff member who does nothing for this long must sign in again.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_MINUTES", default=30) * 60
# However active, a staff session ends this long after signing in: a copied session cookie stops working.
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_HOURS", default=12) * 60 * 60
# A six-digit code from an authenticator app, on top of the password, for every staff account.
# On unless DEBUG; tests turn it off except where they check it.
REQUIRE_STAFF_2FA = env.bool("REQUIRE_STAFF_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "Thrive for the People"
# django-axes: five wrong passwords for one username from one address lock that pair for an hour.
# The lock-out keys on both together, so a stranger can't lock a colleague out from everywhere; a
# username guessed at from many addresses is slowed down instead (staff/selectors.py): after five
# failures in all, each try waits twice as long as the last, from SIGNIN_DELAY_BASE_SECONDS up to
# SIGNIN_DELAY_MAX_SECONDS. The front desk unlocks sooner by deleting the "access attempts" in the admin.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=env.int("AXES_COOLOFF_HOURS", default=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
SIGNIN_DELAY_BASE_SECONDS = env.int("SIGNIN_DELAY_BASE_SECONDS", default=15)
SIGNIN_DELAY_MAX_SECONDS = env.int("SIGNIN_DELAY_MAX_SECONDS", default=15 * 60)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "staff.backends.axes_client_address"
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["username", "password"]
# Sign-in records (who signed in, from which address and browser) are deleted by beat after this many days.
SIGNIN_RECORD_RETENTION_DAYS = env.int("SIGNIN_RECORD_RETENTION_DAYS", default=90)
# django-auditlog: who changed what, with the client's personal details masked (see staff/audit.py).
AUDITLOG_MASK_CALLABLE = "staff.audit.mask_personal_value"
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "consultations.Consultation",
        # The same fields consultations.privacy.services erases; a test keeps the two lists equal.
        "mask_fields": [
            "first_name",
            "last_name",
            "preferred_name",
            "phone",
            "email",
            "state_of_residence",
            "note",
            "heard_about",
            "preferred_days",
            "preferred_times",
            "internal_notes",
        ],
        # The private link's secret is never written to the history, where staff could read it.
        "exclude_fields": ["updated_at", "form_token", "link_secret"],
    },
    {"model": "clinicians.Clinician", "mask_fields": ["alert_email", "license_number"]},
    {"model": "pages.Page"},
)

# The admin lives at a path of the operator's choosing, e.g. "office-7f3k/".
ADMIN_URL = env("ADMIN_URL", default="admin/")

# How long a cached page lives at most; saving content invalidates it at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60 * 60)
# How long each process trusts its own copy of the content generation (and so its copies of pages)
# before asking Redis again: a change saved in another process shows here within this time.
CONTENT_GENERATION_LOCAL_SECONDS = env.float("CONTENT_GENERATION_LOCAL_SECONDS", default=1.0)

# Logs go to stdout: one JSON object a line in production, plain text in development. No request
# bodies, form contents or cookies are ever logged (see thrive/logging.py).
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "thrive.logging.RequestSummaryFilter"}},
    "formatters": {
        "json": {"()": "thrive.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["no_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Optional error reporting. Nothing personal is sent: no request bodies, cookies, headers or user details.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from thrive.logging import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", default="production"))
