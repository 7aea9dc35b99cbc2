"""Buurtmakelaar settings, read from the environment.

No variables set gives the embedded default: SQLite in the project folder, Celery
tasks run eagerly in process, e-mail to the console, the offline gazetteer for
geocoding. ``BUURTMAKELAAR_MODE=production`` refuses to start without a secret key
and allowed hosts. See README.md for every variable.
"""

import base64
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import cache_config, email_config, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

MODE = env_str("BUURTMAKELAAR_MODE", "local").lower()
if MODE not in {"local", "production", "test"}:
    raise ImproperlyConfigured("BUURTMAKELAAR_MODE must be local, test or production")
PRODUCTION = MODE == "production"

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("Production needs SECRET_KEY: a random string of at least 32 characters.")

# Off unless asked for: the README's run command turns it on for the local run.
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=buurtmakelaar.example.nl")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # sitemap.xml of the public pages and vacancies (config/sitemaps.py); no models.
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The project's apps, from the ground floor up (docs/architecture.md).
    "accounts",
    "notifications",
    "neighbourhoods",
    "audit",
    "volunteers",
    "caregivers",
    "matches",
    "matching",
    "partners",
    "activities",
    "conversations",
    "reports",
    "privacy",
    "api",
    "demo",
]

MIDDLEWARE = [
    # First, so that its duration covers every other layer (and the HTTPS redirect).
    "config.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.DutchFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.NoStoreForPersonalPagesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Mails queued while serving a request link back to its host and port.
    "config.middleware.SiteUrlMiddleware",
    # Staff: the session limits and the required second step (accounts/two_step.py).
    "config.middleware.StaffSessionMiddleware",
    # Last, so that it sees the exceptions of the views themselves.
    "config.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Database: SQLite file in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when the dev server and a
    # management command write at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Take the write lock when a transaction starts, so that "lock, re-check, write"
    # (capacity checks) cannot deadlock on a lock upgrade.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # Every page with care data appends a row to the access log (audit): in WAL mode with
    # synchronous=NORMAL a commit costs no fsync (a power cut may lose the last commits,
    # never corrupt the file), so a read page stays as fast as before it wrote.
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: e-mail is the login; verification is mandatory; the answers for
# known and unknown addresses are the same (no account enumeration).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Buurtmakelaar] "
ACCOUNT_ADAPTER = "notifications.account_mail.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
# Two-step login (allauth's mfa app): an app code (TOTP), a security key or passkey
# (WebAuthn), and recovery codes. Required for staff (accounts/two_step.py), optional for
# everyone else. Passkeys are a second step here, not a login without a password.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_ADAPTER = "accounts.two_step.TwoStepAdapter"
MFA_FORMS = {
    "add_webauthn": "accounts.forms.AddSecurityKeyForm",
    "authenticate_webauthn": "accounts.forms.SecurityKeyAnswerForm",
    "reauthenticate_webauthn": "accounts.forms.SecurityKeyConfirmForm",
}
MFA_TOTP_ISSUER = "Buurtmakelaar"
# A code read off the app in the last seconds of its 30-second window reaches the server
# in the next one: accept the window before and after too (RFC 6238, section 5.2, allows
# one step for such delays). A code still works only once (allauth remembers used codes).
MFA_TOTP_TOLERANCE = 1
# The local run speaks plain HTTP on 127.0.0.1: browsers allow WebAuthn there, and the
# origin check may then accept it. Production checks the origin.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Staff sessions end after 30 minutes without a request and 12 hours after logging in;
# everyone else keeps Django's lifetime (SESSION_COOKIE_AGE, two weeks).
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)
STAFF_SESSION_MAX_SECONDS = env_int("STAFF_SESSION_MAX_SECONDS", 12 * 60 * 60)
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (organisation logos). Never served from MEDIA_URL: a view checks who asks
# and sends the file with its own type (see neighbourhoods.views.organisation_logo), so
# no web server rule for media is needed. In production keep MEDIA_ROOT on a disk that
# survives a deploy and include it in the backup.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
ORGANISATION_LOGO_MAX_BYTES = env_int("ORGANISATION_LOGO_MAX_BYTES", 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# The cache: local memory (one per process) unless CACHE_URL (e.g. redis://host:6379/1)
# or the older pair CACHE_BACKEND/CACHE_LOCATION says otherwise. Production with more
# than one web worker needs a shared cache: the matching pool versions live in it.
if env_str("CACHE_URL"):
    CACHES = {"default": cache_config(env_str("CACHE_URL"))}
else:
    CACHES = {
        "default": {
            "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
            "LOCATION": env_str("CACHE_LOCATION", "buurtmakelaar"),
        }
    }

# Login throttling (allauth's rate limits), used TOTP codes and the matching pool
# versions live in this cache, so it must be shared by every web process: production
# refuses a cache that is private to one process (or none at all).
if PRODUCTION and CACHES["default"]["BACKEND"] in {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}:
    raise ImproperlyConfigured(
        "Production needs a shared cache (login throttling counts in it), e.g. CACHE_URL=redis://127.0.0.1:6379/1"
    )

# Asking for help without an account (caregivers.views.asking): requests per client
# network and per phone number or e-mail address, counted in the same shared cache as the
# login limits (allauth's rate limiter; "amount/period/per", several separated by commas).
ASK_WITHOUT_ACCOUNT_RATE_LIMITS = {
    "ask_ip": env_str("ASK_RATE_LIMIT_IP", "5/1h/ip,20/1d/ip"),
    "ask_contact": env_str("ASK_RATE_LIMIT_CONTACT", "3/1d/key"),
}

# E-mail: console by default; EMAIL_URL=smtp://user:pass@host:587?tls=1 for real mail.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Buurtmakelaar <noreply@buurtmakelaar.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Domains an organisation may use as the sender of its mails (its "Afzender" setting):
# only domains the mail server may send for (SPF/DKIM), else mail lands in spam. Comma
# separated; by default the domain of DEFAULT_FROM_EMAIL.
MAIL_SENDER_DOMAINS = [
    d.strip().lower()
    for d in env_str("MAIL_SENDER_DOMAINS", DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ")).split(",")
    if d.strip()
]
globals().update(email_config(env_str("EMAIL_URL", "console://")))

# Celery: with no broker configured, tasks run eagerly inside the web process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that hands a task to a broker that is down gives up within seconds;
# the e-mail outbox (notifications) keeps the message and the drain sends it later.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 3)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# Redis/SQS: a task taken by a worker that died is handed out again after this long
# (delivery is idempotent, so a redelivery never sends twice).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900)}
# Periodic work (Celery beat; schedules in UTC, the tasks reason in Europe/Amsterdam).
CELERY_BEAT_SCHEDULE = {
    "drain-outbox": {"task": "notifications.tasks.drain_outbox", "schedule": 60.0},
    "lifecycle-reminders": {"task": "matches.tasks.send_reminders", "schedule": 15 * 60.0},
    # Webhook deliveries that are due: first tries the queue missed, retries after backoff.
    "drain-webhooks": {"task": "api.tasks.drain_webhooks", "schedule": 60.0},
    # Waiting-list offers past their 48 hours: the next in line gets the place.
    "activity-offers-expire": {"task": "activities.tasks.offers_expire", "schedule": 5 * 60.0},
    "purge-webhooks": {"task": "api.tasks.purge_webhooks", "schedule": crontab(hour=2, minute=40)},
    "purge-outbox": {
        "task": "notifications.tasks.purge_outbox",
        "schedule": crontab(hour=2, minute=30),
    },
    # The retention schedule (privacy.schedule): delete or anonymise what is due.
    "privacy-retention": {
        "task": "privacy.tasks.run_retention",
        "schedule": crontab(hour=3, minute=10),
    },
    # Stored report figures (reports.store): the open months every 10
    # minutes, the last 24 months (missing, open or changed) every night.
    "reports-recent": {
        "task": "reports.tasks.reports_refresh",
        "schedule": 10 * 60.0,
        "kwargs": {"months": 3},
    },
    # The matching pool's change log: older rows go every hour (matching.poolversion).
    "pool-changes-prune": {"task": "matching.tasks.pool_changes_prune", "schedule": crontab(minute=40)},
    "reports-nightly": {
        "task": "reports.tasks.reports_refresh",
        "schedule": crontab(hour=1, minute=15),
        "kwargs": {"months": 24, "check_changes": True, "max_age_seconds": 0},
    },
}

# The e-mail outbox: a row left "sending" by a worker that died is taken again after
# this many seconds; after this many failed tries it is given up; records of sent
# mail are kept this many days.
NOTIFICATION_SENDING_TIMEOUT = env_int("NOTIFICATION_SENDING_TIMEOUT", 600)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 10)
NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 365)
# The one-click "switch this off" link at the bottom of an e-mail works this long.
NOTIFICATION_UNSUBSCRIBE_MAX_AGE_DAYS = env_int("NOTIFICATION_UNSUBSCRIBE_MAX_AGE_DAYS", 365)
# Reminders and daily digests go out between these wall-clock hours (Europe/Amsterdam).
REMINDER_HOURS = (env_int("REMINDER_FROM_HOUR", 8), env_int("REMINDER_UNTIL_HOUR", 20))

# Geocoding: offline gazetteer by default; GEOCODER=pdok to ask the Dutch government's
# PDOK Locatieserver (addresses, buurt and wijk codes; free, no key) or nominatim to
# ask OpenStreetMap first (both fall back to the gazetteer on errors and time-outs).
GEOCODER = env_str("GEOCODER", "offline").lower()
if GEOCODER not in {"offline", "pdok", "nominatim"}:
    raise ImproperlyConfigured("GEOCODER must be offline, pdok or nominatim")
GEOCODER_NOMINATIM_URL = env_str("GEOCODER_NOMINATIM_URL", "")
GEOCODER_TIMEOUT = env_int("GEOCODER_TIMEOUT", 3)

# The matching pool's change log (matching.models.PoolChange): rows are kept this many
# hours (a web process whose pool is older rebuilds it); a process patches its cached
# pool with at most this many logged changes, more means a rebuild.
MATCHING_POOL_CHANGES_KEEP_HOURS = env_int("MATCHING_POOL_CHANGES_KEEP_HOURS", 24)
MATCHING_POOL_PATCH_MAX = env_int("MATCHING_POOL_PATCH_MAX", 5000)
# A folder for pool files that every web process of this machine maps instead of building
# its own pool (matching.poolstore). Production: var/pools in the project folder unless set
# (a local disk of this machine, writable by the web workers); "off" or empty: each process
# builds its own, as in the local run and the tests, where the default is off.
_POOL_DIR_DEFAULT = str(BASE_DIR / "var" / "pools") if PRODUCTION else ""
MATCHING_POOL_DIR = env_str("MATCHING_POOL_DIR", _POOL_DIR_DEFAULT).strip()
if MATCHING_POOL_DIR.lower() == "off":
    MATCHING_POOL_DIR = ""

# The site's address for links in e-mails sent outside a web request (tasks).
SITE_URL = env_str("SITE_URL", "")
# Without SITE_URL and outside a web request, local links go to the development server on
# this port (scripts/run passes its PORT on).
LOCAL_PORT = env_int("PORT", 8000)

# Demo accounts are printed on start only in the local run.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "buurt-demo-2026")
# The demo's staff accounts get this TOTP secret (base32), so that a person can add it to
# an authenticator app once and the browser tests can compute the codes. Only outside
# production: a known second step is no second step.
_DEMO_TOTP_SECRET_DEFAULT = "BUURTMAKELAARDEMOREGIOARNHEMVELP"
if PRODUCTION:
    if env_str("DEMO_TOTP_SECRET"):
        raise ImproperlyConfigured("DEMO_TOTP_SECRET is for the local demo only; production refuses it.")
    DEMO_TOTP_SECRET = None
else:
    DEMO_TOTP_SECRET = env_str("DEMO_TOTP_SECRET", _DEMO_TOTP_SECRET_DEFAULT).replace(" ", "").upper()
    try:
        if len(base64.b32decode(DEMO_TOTP_SECRET, casefold=True)) < 10:
            raise ValueError
    except ValueError:  # binascii.Error is a ValueError
        raise ImproperlyConfigured(
            "DEMO_TOTP_SECRET must be base32 (A-Z, 2-7) of at least 16 characters, a multiple of 8"
        ) from None

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers and process managers probe the health checks over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)  # one year
# includeSubDomains binds every subdomain of the site's domain to HTTPS: on in production
# (issue #13), off with SECURE_HSTS_INCLUDE_SUBDOMAINS=0 where a subdomain still serves
# plain HTTP. The preload directive is on in production too (issue #13: `check --deploy`
# without warnings); it only says the site agrees to be in the browsers' built-in HTTPS
# lists: nothing happens until the domain's operator submits it at hstspreload.org.
# SECURE_HSTS_PRELOAD=0 leaves it out (`check --deploy` then warns security.W021).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Another site learns nothing of our addresses (they hold ids and secret tokens);
# our own pages still see where a click came from.
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): only our own scripts, styles, images and
# connections; no inline script or style anywhere (templates and static/ are kept
# that way, tests/config/test_csp.py walks the pages), no plugins, no <base>, no
# framing, forms post only to us. The Django admin gets the same policy: its
# templates carry no inline script, and the one inline <style> it has (a change
# list without actions) is cosmetic and none of our admin pages renders it.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "frame-ancestors": [_NONE],
        "form-action": [_SELF],
    },
}
# Base tiles under the maps (reports, vacancy search). Empty (the default): no tiles,
# nothing from the internet; the maps are SVG drawn on the server from the shipped
# outlines. Set to an https XYZ template, e.g. PDOK's BRT-Achtergrondkaart
# https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png
# or OpenStreetMap's https://tile.openstreetmap.org/{z}/{x}/{y}.png, and the pages add a
# Leaflet map (static/vendor/leaflet) over those tiles; the CSP then allows images from
# that one host only. MAP_TILES_ATTRIBUTION: the credit line the tile source asks for
# (empty: the pages name PDOK or OpenStreetMap themselves).
MAP_TILES_URL = env_str("MAP_TILES_URL", "")
MAP_TILES_ATTRIBUTION = env_str("MAP_TILES_ATTRIBUTION", "")


def tiles_origin(url: str) -> str:
    """The origin (scheme://host[:port]) the CSP must allow for a tile template."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or not all(k in url for k in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured("MAP_TILES_URL must be an https URL with {z}, {x} and {y}, or empty.")
    return f"https://{parts.netloc}"


if MAP_TILES_URL:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = [_SELF, tiles_origin(MAP_TILES_URL)]

# Browser features no page uses (no page asks for the location: postcodes are typed).
# Passkeys (WebAuthn, for staff MFA) stay allowed on our own pages.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), publickey-credentials-create=(self), publickey-credentials-get=(self), "
    "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)

# Logs go to stderr (the process manager collects them). One key=value line per request
# from config.middleware.RequestLogMiddleware on the logger "buurtmakelaar.request":
# method, route pattern, route name, status, duration; never the raw path or the query.
# REQUEST_LOG=0 turns those lines off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own line for every 4xx names the raw path ("Not Found: /agenda/<token>.ics"),
        # which may hold a secret token; the request log above already counts the 4xx.
        # Server errors (5xx, with their traceback) are still logged.
        "django.request": {"level": "ERROR"},
        "buurtmakelaar.request": {
            "handlers": ["console"],
            "level": "INFO" if env_bool("REQUEST_LOG", True) else "WARNING",
            "propagate": False,
        },
    },
}

# The REST API (api/, issue #17): tokens or the session, problem details for every
# error, cursor pages, a rate limit per token (or user) in the shared cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.BearerTokenAuthentication",
        "api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerCallerThrottle"],
    "DEFAULT_THROTTLE_RATES": {"caller": env_str("API_RATE_LIMIT", "600/min")},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Buurtmakelaar API",
    "DESCRIPTION": (
        "De API van Buurtmakelaar voor koppelingen met andere systemen. / "
        "The Buurtmakelaar API for integrations. Every error is an RFC 9457 problem document."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["api.hooks.only_v1"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.hooks.no_titles"],
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "DISABLE_ERRORS_AND_WARNINGS": False,
}
# How long the public vacancies of the API stay in the shared cache (seconds; 0 = not).
API_PUBLIC_CACHE_SECONDS = env_int("API_PUBLIC_CACHE_SECONDS", 60)
# Webhooks (api.webhooks) may go to http://localhost / 127.0.0.1 / [::1]: for a local run
# (DEBUG) and tests only; never in production, where only public https addresses are allowed.
WEBHOOKS_ALLOW_LOCAL = env_bool("WEBHOOKS_ALLOW_LOCAL", DEBUG) and not PRODUCTION
# Delivered and given-up webhook deliveries are forgotten after this many days.
WEBHOOK_DELIVERY_KEEP_DAYS = env_int("WEBHOOK_DELIVERY_KEEP_DAYS", 30)
# Messages (conversations): at most one e-mail notice per thread and person in this many minutes.
MESSAGE_NOTICE_MINUTES = env_int("MESSAGE_NOTICE_MINUTES", 15)
