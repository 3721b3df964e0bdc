"""Settings for T2A, read from the environment.

With nothing set, the app runs on one machine with nothing else installed: SQLite, a
file-based cache and Kombu's filesystem broker. DATABASE_URL and REDIS_URL switch to
PostgreSQL and Redis. DJANGO_ENV=production turns on the deployment hardening.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
else:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="insecure-development-key-never-used-in-production-0123456789"
    )

DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where people reach the app: every absolute link in a message or PDF starts with it
# (t2a/links.py). Production has no default; `check --deploy` refuses a bad one.
SITE_URL = env.str("SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "auditlog",
    "t2a",
    "cycles",
    "stakeholders",
    "feedback",
    "actions",
    # `manage.py bench` (bench/): the large organisation under load. It measures pages of
    # every app, so it sits above them all.
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "t2a.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which is the first to read a post's body.
    "t2a.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "t2a.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "t2a.tenancy.TenantMiddleware",
    "t2a.tenancy.MFAEnforcementMiddleware",
]

# `make bench` serves bench.urls: the site plus its floor page (bench/urls.py).
ROOT_URLCONF = env.str("ROOT_URLCONF", default="t2a.urls")
FORM_RENDERER = "t2a.forms.NHSFormRenderer"
WSGI_APPLICATION = "t2a.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "t2a.context_processors.tenancy",
            ],
            "builtins": [
                "django.templatetags.static",
                "django_htmx.templatetags.django_htmx",
                "t2a.templatetags.t2a",
            ],
        },
    },
]

# Databases. PostgreSQL in CI and production; SQLite when nothing is configured.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 't2a.sqlite3'}"),
}
# Opening a PostgreSQL connection costs ~24 ms here; persistent connections pay it once.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "TEST_DATABASE_NAME", default="test_t2a"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

# A shared cache matters: allauth's rate limits and TOTP replay protection live in it,
# so every web process must see the same one.
# While Redis is down, t2a.cache treats it as an empty cache (see that module for what that
# means for rate limits and TOTP codes: they fail safe) instead of answering 500.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "t2a.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="t2a"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_USER_MODEL = "t2a.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login; verification is required before first sign-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "T2A: "
# allauth's defaults already limit sign-in, sign-up and password reset; keep them on.
# Failed sign-ins (t2a.adapters.AccountAdapter): "key" is one account from one address, so
# guessing locks only the guesser's address out; "ip" is the ceiling for one address failing
# across accounts; login_failed_account is an account-wide ceiling, above what one address
# can reach, against guessing spread over many addresses. The owner can still sign in with
# a code sent to their email, counted per account and address too (t2a.forms).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,40/h/ip,5/5m/key",
    "login_failed_account": "100/h/key",
    "request_login_code": "10/m/ip,30/h/ip,3/15m/key",
}
ACCOUNT_ADAPTER = "t2a.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "request_login_code": "t2a.forms.RequestLoginCodeForm",
    "confirm_login_code": "t2a.forms.ConfirmLoginCodeForm",
}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Work email can take minutes to arrive; the pages and the email say "10 minutes".
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "t2a.adapters.MFAAdapter"
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY", default="")
# Behind a reverse proxy, set to the number of proxies so allauth's per-IP rate limits see
# the real client address; with 0, X-Forwarded-For is ignored and cannot be spoofed.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_TOTP_ISSUER = "T2A"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # NHS.UK frontend's icons and JavaScript, straight from the npm package.
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Private files (exports, reports): served only through permission-checked views.
        "OPTIONS": {"location": env.str("PRIVATE_FILES_DIR", default=str(VAR_DIR / "private"))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production, look static files up when asked rather than indexing every file at
# start-up: the test client starts the middleware afresh for each client.
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Email through Django 6.1's MAILERS. The console in development; SMTP in production.
if PRODUCTION or env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL", default="smtp://localhost:25")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email["EMAIL_HOST"],
                "port": _email["EMAIL_PORT"],
                "username": _email["EMAIL_HOST_USER"],
                "password": _email["EMAIL_HOST_PASSWORD"],
                "use_tls": _email.get("EMAIL_USE_TLS", False),
                "use_ssl": _email.get("EMAIL_USE_SSL", False),
                "timeout": 10,
            },
        }
    }
elif env.str("EMAIL_FILE_DIR", default=""):
    # Used by tests that run a real worker process: each email lands in a file.
    MAILERS = {
        "default": {
            "BACKEND": env.str(
                "EMAIL_FILE_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
            ),
            "OPTIONS": {"file_path": env.str("EMAIL_FILE_DIR")},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="T2A <no-reply@t2a.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Content-Security-Policy, enforced everywhere so development shows what production blocks.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Sessions are read from the cache and written to both, so a request does not query the
# session table; while Redis is down they are read from PostgreSQL (t2a/cache.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Features no page may use (t2a/middleware.py): an empty list denies it everywhere.
PERMISSIONS_POLICY = {"camera": [], "microphone": [], "geolocation": [], "payment": []}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this exact host, on path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Uploads: small, and kept in memory or a temp file, never under a public URL. A post
# bigger than this (or than its view declares, t2a.uploads.upload_limit) is never read: the
# form is shown again with an error saying how big a file may be (t2a.uploads).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery. Redis when REDIS_URL is set; otherwise Kombu's filesystem transport, which needs
# no server and still lets a separate worker and beat share one queue folder.
CELERY_TIMEZONE = TIME_ZONE
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60, "socket_connect_timeout": 2}
else:
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Exchange tables (worker control, the pdf queue); Kombu's default is ./control.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
# Unit tests run tasks inline; tests marked celery_worker switch this off and use a real
# worker process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=TESTING)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Defaults for tasks that set none of their own (0 = no soft limit).
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = 90
# PDF reports render on their own queue, consumed by their own worker (Procfile and
# docker-compose: "pdf", one at a time); a worker child is replaced after a task that left
# it holding more than this much memory (KB), as WeasyPrint can grow.
CELERY_TASK_ROUTES = {"cycles.tasks.report_render": {"queue": "pdf"}}
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)
# A render is stopped (and the report marked failed) after the soft limit; the worker
# kills it at the hard limit. The job recovery sweep (t2a/jobs.py) enqueues again
# a report still queued after REPORT_REQUEUE_SECONDS or whose worker died, and fails one
# still not made after REPORT_GIVE_UP_SECONDS.
REPORT_SOFT_TIME_LIMIT = env.int("REPORT_SOFT_TIME_LIMIT", default=120)
REPORT_TIME_LIMIT = env.int("REPORT_TIME_LIMIT", default=150)
REPORT_REQUEUE_SECONDS = env.int("REPORT_REQUEUE_SECONDS", default=600)
REPORT_GIVE_UP_SECONDS = env.int("REPORT_GIVE_UP_SECONDS", default=60 * 60)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every rendering step at INFO; keep its warnings only.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Audit trail (django-auditlog, see t2a/audit.py). No IP addresses: auditlog would take them
# from a client-supplied X-Forwarded-For, and they are personal data we do not need. The
# base manager reads the row before an edit, so a save outside a scope is still audited.
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_USE_BASE_MANAGER = True

INVITATION_DAYS_VALID = env.int("INVITATION_DAYS_VALID", default=14)

REMINDER_STALE_SECONDS = env.int("REMINDER_STALE_SECONDS", default=600)

# The outbox (t2a/services/outbox.py). A message claimed but not marked sent after the lease
# is sent again (its worker died): longer than any one send may take. Failed sends retry
# after 30 s, 60 s, 120 s, ... up to the maximum number of attempts, then show as failed.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=600)
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
# How long one run of the outbox task keeps claiming before it hands over to the next run.
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=200)
