"""Microcred Planner settings, read from the environment (and from `.env` if present).

The defaults run on a laptop with nothing but Python: SQLite in the project folder
and reports rendered in-process. Production sets DATABASE_URL, CELERY_BROKER_URL,
SECRET_KEY and ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from microcred.api_settings import OPENAPI_DESCRIPTION, rest_framework
from microcred.content_security import SAME_SITE_ONLY
from microcred.file_storage import default_file_storage
from microcred.logging_settings import logging_config
from microcred.periodic_work import beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or in .env); "
            "it is only optional when DEBUG=true."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Set it to the host names this site is served on, "
            "comma-separated (e.g. ALLOWED_HOSTS=plans.example.org)."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The phase apps' labels, in phase order: each holds one phase's metadata (its AppConfig's
# phase_slug and verbose_name), default questions and records. The question engine reads
# this list, not the installed apps, to know the phases bound to an app.
PHASE_APPS = ["planning", "marketing", "operations", "design", "delivery", "maintenance"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "simple_history",
    "adminsortable2",
    "microcred.site_url",
    "microcred.questionnaires",
    "microcred.work",
    "microcred.organizations",
    "microcred.records",
    "microcred.plans",
    "microcred.comments",
    "microcred.reports",
    "microcred.portfolio",
    "axes",
    "microcred.accounts",
    # Sign-in through an organization's identity provider (docs/sign-in.md): only the
    # providers' own pages are routed (microcred/urls.py), never allauth's local accounts.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    *PHASE_APPS,
    "microcred.review",
    "microcred.transfer",
    "microcred.demo",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "microcred.webhooks",
    "microcred.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware, which refuses a host ALLOWED_HOSTS does not name.
    "microcred.site_url.address.RequestAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "microcred.plans.middleware.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After django-csp's, so that its policy takes what this one adds on the way out.
    "microcred.organizations.middleware.SignInFormActionMiddleware",
    "microcred.organizations.middleware.SignInFailureMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "microcred.urls"
WSGI_APPLICATION = "microcred.wsgi.application"

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
                "microcred.plans.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections save a connection set-up per request; the health check drops one
# that the database closed (a restart, a failover) instead of failing the next request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Autosave and in-process report rendering write concurrently: take the write
    # lock at BEGIN and let readers proceed while a writer works.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered page content (plans/page_cache.py) and readiness. Its keys carry what the content
# depends on, so a cache of one process per worker (the default) never serves stale pages;
# a shared one (redis://…, as docker-compose sets) lets every worker reuse what one rendered
# and also holds the sessions, saving a query per request.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith(".RedisCache"):
    # django-redis (django-environ picks it when installed), so that a Redis that is down
    # or restarting is a cache miss (the page is rendered, the session read from the
    # database) instead of a 500 on every request; each miss is logged. Short timeouts: a
    # Redis that does not answer costs a request at most a second.
    CACHES["default"]["BACKEND"] = "django_redis.cache.RedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        IGNORE_EXCEPTIONS=True, SOCKET_CONNECT_TIMEOUT=1, SOCKET_TIMEOUT=1
    )
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if not CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Sessions read from the cache, written through to the database: a shared cache only,
    # since a process-local copy would outlive a logout done by another worker.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# How long a rendered page stays cached: its key changes with whatever it shows, so this
# only bounds the memory kept for pages nobody opens again.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# The landing page sends reviewers to their review queue, everyone else to their plans.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # First, so that a login from a paused address, or a locked-out one, is refused before
    # its password is even checked.
    "microcred.accounts.backends.AddressPauseBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # allauth's, for whom an identity provider vouched; it checks no password.
    "microcred.organizations.backends.IdentityProviderBackend",
]
# Sign-in through organizations' identity providers (microcred/organizations/adapters.py,
# docs/sign-in.md): the providers come from the IdentityProvider rows the admin edits; a
# first sign-in makes the account at once, with no e-mail of ours to confirm; an existing
# account is matched by its address only when the provider vouched for that address.
SOCIALACCOUNT_ADAPTER = "microcred.organizations.adapters.InstitutionSignInAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # the adapter matches addresses itself
SOCIALACCOUNT_LOGIN_ON_GET = False  # the login page's buttons POST, with the CSRF token
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
# Password reset links work for this long (seconds); a reset also lifts a login lockout.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 3600)
# Invitations to a plan, e-mailed to the address an owner enters, work for this long.
PLAN_INVITATION_DAYS = env.int("PLAN_INVITATION_DAYS", default=14)

# Login throttling (django-axes and microcred/accounts), after OWASP's advice on account
# lockout: 5 wrong passwords for one username from one address lock that username out from
# that address only, so that nobody can keep a colleague out from elsewhere; 30 from one
# address, whatever the usernames, pause every login from it without locking any account.
# Both end 15 minutes after the last recorded failure: attempts while locked or paused are
# refused before any password is checked, and neither recorded nor extending the wait. A
# password reset lifts the username's lockouts at once; admins lift them with
# `manage.py axes_reset_username <username>`, `manage.py axes_reset_ip <address>` (a pause
# too) or `manage.py axes_reset` (all). See docs/operations/security.md.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=30)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failures expire rather than being wiped by a success, so that nobody lowers their
# address's count by logging in to an account of their own.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "microcred.accounts.views.lockout_response"
# Each failure's form and query are recorded (at most 1 KB each, at most AXES_FAILURE_LIMIT
# times per row): never a secret in them.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
# The client's address, for the throttles and the reset limits: the connection's, or behind
# N reverse proxies the X-Forwarded-For entry the first of them appended
# (microcred/accounts/addresses.py). Anyone can send that header: trust it only then.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "microcred.accounts.addresses.client_address"
# Password reset e-mails, in any hour: so many requests from one address, and so many
# e-mails to one mailbox (each answered alike, sent or not).
PASSWORD_RESET_REQUESTS_PER_ADDRESS = env.int("PASSWORD_RESET_REQUESTS_PER_ADDRESS", default=10)
PASSWORD_RESET_EMAILS_PER_RECIPIENT = env.int("PASSWORD_RESET_EMAILS_PER_RECIPIENT", default=3)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"  # never served: report files go through an authenticated view

# Exports and uploaded results: on the local disk by default (one host, or a volume that
# the web and the workers share), or, with the web and the workers on several hosts, in an
# S3-compatible bucket that every host reaches (django-storages), or in any other backend.
# S3 credentials are boto3's own: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the
# environment, or the host's role.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": default_file_storage(env, bucket_name=AWS_STORAGE_BUCKET_NAME),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: with no broker configured, tasks run in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A 100-page plan leaves a worker process ~70 MB larger; recycle it past this (KiB).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=300_000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task that a dead worker had taken (acks_late) is delivered again after this many seconds:
# just over a render's time limit (reports.tasks.RENDER_TIME_LIMIT, 240 s) and the longest
# retry countdown (120 s), so that no live task is delivered twice. A connection attempt to
# an unreachable broker gives up after a few seconds: the page that queued work answers.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300, "socket_connect_timeout": 3}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# Celery beat hands over again what the broker refused and requeues what a dead worker
# left, this often (seconds). Run exactly one beat (`celery -A microcred beat`).
PENDING_WORK_SWEEP_SECONDS = env.int("PENDING_WORK_SWEEP_SECONDS", default=30)
CELERY_BEAT_SCHEDULE = beat_schedule(sweep_seconds=PENDING_WORK_SWEEP_SECONDS)
# PDF exports: a "running" export whose start is older than the lease (seconds; longer than
# RENDER_TIME_LIMIT) lost its worker and is requeued, up to REPORT_MAX_ATTEMPTS renders; a
# queued export handed to the broker longer than REPORT_RESEND_AFTER ago is handed over again:
# a broker restarted without persistence lost it, or the workers are busy, and a duplicate
# is harmless (a render is claimed once). With the sweep, well inside the lease.
REPORT_RUNNING_LEASE = env.int("REPORT_RUNNING_LEASE", default=270)
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)
REPORT_RESEND_AFTER = env.int("REPORT_RESEND_AFTER", default=120)
# A PDF larger than this fails with a reason rather than filling the storage.
REPORT_MAX_PAGES = env.int("REPORT_MAX_PAGES", default=1000)
REPORT_MAX_BYTES = env.int("REPORT_MAX_BYTES", default=50 * 2**20)
# The paper of the PDF and Word exports whose plan leaves it automatic: "a4" or "letter";
# unset, by the plan's currency (reports.options.paper_of).
REPORT_PAGE_SIZE = env.str("REPORT_PAGE_SIZE", default="").strip().lower()
if REPORT_PAGE_SIZE not in ("", "a4", "letter"):
    raise ImproperlyConfigured(
        f"REPORT_PAGE_SIZE is {REPORT_PAGE_SIZE!r}: set it to a4 or letter, or leave it unset "
        "to choose by each plan's currency."
    )
# Psychometric reviews (uploaded assessment results): the largest CSV accepted (bytes), and
# like exports, a lease after which a "running" computation lost its worker (seconds, longer
# than maintenance.tasks.COMPUTE_TIME_LIMIT) and the computations started before failing.
PSYCHOMETRICS_MAX_UPLOAD_BYTES = env.int("PSYCHOMETRICS_MAX_UPLOAD_BYTES", default=50 * 2**20)
# The most items (columns after the candidate's identifier) and candidates (rows) an upload
# may have: a long exam has 200-300 items and a large cohort tens of thousands of people.
# With the size limit they bound a worker's memory (docs/performance.md).
PSYCHOMETRICS_MAX_ITEMS = env.int("PSYCHOMETRICS_MAX_ITEMS", default=500)
PSYCHOMETRICS_MAX_CANDIDATES = env.int("PSYCHOMETRICS_MAX_CANDIDATES", default=100_000)
PSYCHOMETRICS_RUNNING_LEASE = env.int("PSYCHOMETRICS_RUNNING_LEASE", default=270)
PSYCHOMETRICS_MAX_ATTEMPTS = env.int("PSYCHOMETRICS_MAX_ATTEMPTS", default=3)
# The largest plan file (JSON, bytes) that "Import a plan" reads, and the most table rows
# and answers a file (or a plan copied with "New plan from this one") may bring: each row is
# placed as a planner would add it, 15 queries, inside the request (the demo plan has 107
# rows and 69 answers).
PLAN_IMPORT_MAX_BYTES = env.int("PLAN_IMPORT_MAX_BYTES", default=10 * 2**20)
PLAN_IMPORT_MAX_ROWS = env.int("PLAN_IMPORT_MAX_ROWS", default=300)
PLAN_IMPORT_MAX_ANSWERS = env.int("PLAN_IMPORT_MAX_ANSWERS", default=500)
# E-mail notifications not sent after this long (seconds; longer than a task's own retries
# take) are handed over again, until NOTIFICATION_MAX_ATTEMPTS tries have failed.
NOTIFICATION_RESEND_AFTER = env.int("NOTIFICATION_RESEND_AFTER", default=3600)
# Those handed over this long ago (seconds) that no worker began since were lost by the
# broker (a restart without persistence) and are handed over again; a duplicate is harmless
# (a notification is locked while it is sent, and sent once).
NOTIFICATION_RESEND_UNSTARTED_AFTER = env.int("NOTIFICATION_RESEND_UNSTARTED_AFTER", default=120)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=20)

# Webhooks (microcred/webhooks): only https:// addresses that resolve to public addresses
# receive them, so that an endpoint cannot reach services inside the network (SSRF). On,
# plain http:// and private, loopback and other non-public addresses are allowed too: for
# development and tests only.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
# Failed attempts in a row (none delivered between) after which an endpoint is disabled and
# its owner e-mailed.
WEBHOOKS_DISABLE_AFTER_FAILURES = env.int("WEBHOOKS_DISABLE_AFTER_FAILURES", default=15)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Where the file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend)
# writes the messages instead of sending them.
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "sent-mail")
# The address links read outside the browser start with (e-mails, calendars, plan files,
# credential definitions). Unset in development, where they follow the request's address:
# microcred/site_url/address.py.
SITE_URL = env.str("SITE_URL", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Microcred Planner <noreply@localhost>")

DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="USD")

# Production hardening; each can be relaxed through the environment behind a TLS proxy.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Only our own files run: no inline scripts, handlers or styles anywhere, so text that a
# user or admin typed can never become code even if it escaped its escaping.
CONTENT_SECURITY_POLICY = SAME_SITE_ONLY

# The API (docs/api.md): tokens or the session, one shape of error, throttled per user.
REST_FRAMEWORK = rest_framework(throttle_rate=env.str("API_THROTTLE_RATE", default="1000/hour"))
SPECTACULAR_SETTINGS = OPENAPI_DESCRIPTION

LOGGING = logging_config(level=env.str("LOG_LEVEL", default="INFO"))
