"""Settings for Newsroom, read from the environment (django-environ).

Every variable is listed in the README. The defaults are for a developer's
machine: an SQLite file, local-memory cache, DEBUG on. With DEBUG off the
start-up refuses to run without SECRET_KEY rather than fall back to a known
key.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file (git-ignored; `make run` keeps a development SECRET_KEY there)
# fills in what the real environment does not set. ENV_FILE names another.
env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(a long random string) or run with DEBUG=true on a development machine."
        )
    # Development only: a key that changes with every start is safer than a
    # fixed one that could end up in production.
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, used where a page must name itself in full
# (canonical links, OpenGraph, feeds, sitemaps) outside a request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Newsroom")

INSTALLED_APPS = [
    # Django's admin with the newsroom's site: the desk, guarded shortcuts.
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    # History of articles, agreements and the records they link to
    # (registered in newsroom/models.py and alliances/models.py).
    "reversion",
    "django_prose_editor",
    "csp",
    "axes",
    # Background tasks (Django's Tasks API, backported) and their queue in
    # the database (newsroom.stored.followups says why).
    "django_tasks",
    "django_tasks_db",
    # The read-only JSON API (newsroom.api says why these two).
    "rest_framework",
    "drf_spectacular",
    # Alliances before newsroom: apps connect their signal receivers in this
    # order, and the page cache's (newsroom) must come after the stored
    # copies every app keeps (country overviews here; listing copies and
    # related lists in newsroom). A save outside a transaction runs its
    # on-commit hooks at once, so an earlier receiver would start a new cache
    # generation before those copies were written, and a page read in that
    # moment would be cached stale.
    "alliances",
    "newsroom",
]

MIDDLEWARE = [
    # First: an anonymous cache hit is answered before anything else runs,
    # with the headers the page was stored with, those the middleware below
    # set among them (security headers, the policy, X-Frame-Options, the
    # ETag); it answers If-None-Match itself. Rebuilding the policy for every
    # hit cost a sixth of the hit, the four classes that preceded the cache a
    # quarter (bench/README.md). Excluded paths (static files) pass straight on.
    "newsroom.pagecache.pages.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag and 304 answers for pages rendered now.
    "django.middleware.http.ConditionalGetMiddleware",
    "newsroom.core.security.NewsroomCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The edition (language) from the address alone; the admin's from the browser.
    "newsroom.core.editions.EditionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A page not found at an address that moved: 301 to the new one.
    "newsroom.site.middleware.MovedPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The admin in the logged-in person's language (needs the user).
    "newsroom.editorial.language.AdminLanguageMiddleware",
    "newsroom.core.middleware.AdminInputGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    # The public site (newsroom.site.jinja2 says why Jinja2); asked first.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.site.jinja2.environment",
            "context_processors": ["newsroom.site.context_processors.site"],
        },
    },
    # The admin, the sitemaps and robots.txt.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.site.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections roughly double throughput on PostgreSQL; health
# checks make a connection dropped by a database restart recover by itself.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DB_PREPARED_STATEMENTS", default=True
):
    # Prepared statements: psycopg prepares a statement a worker has run
    # twice, with server-side parameters, and PostgreSQL then skips parsing
    # and planning it. Planning was most of the database time of the short
    # queries a page makes (the article page's list query: 3.6 ms unprepared,
    # 1.1 ms prepared). Search, whose best plan depends on how common the
    # words are, prepares none of its own (newsroom.discovery.search.postgres.custom_plans). Turn
    # it off behind a pooler in transaction mode (PgBouncer before 1.21),
    # which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No parallel workers for the site's statements: each reads at most a
    # few thousand rows, where starting workers costs more than they save,
    # and under load they take the cores other requests need (at 100,000
    # articles rare and mid searches were about 10% faster without them).
    # Options given in DATABASE_URL (?options=...) are kept; coming after
    # this one, theirs wins.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, ["-c max_parallel_workers_per_gather=0", options.get("options")]))

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The site and a task worker write the same file. Write-ahead logging
    # lets readers go on while one writes; transactions that take the write
    # lock when they begin (IMMEDIATE) wait for it for up to SQLITE_TIMEOUT
    # seconds (the busy timeout) instead of failing "database is locked"
    # halfway through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        timeout=env.int("SQLITE_TIMEOUT", default=20),
        transaction_mode="IMMEDIATE",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks: the follow-up work of a save (newsroom.stored.followups),
# queued in the database and run by `manage.py db_worker`. TASKS_BACKEND
# "django_tasks.backends.immediate.ImmediateBackend" runs them at once, in
# the save (the test suite does; no worker needed).
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's own backend, as SPEC.md asks. It builds a Redis client
            # per call, so the calls on a reader's path (the page cache, the
            # header's counts) go through one client per process with the
            # same keys and encoding: newsroom.core.cachestore.
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            # A Redis that is down or slow must fail fast: the pages are then
            # served uncached (newsroom/pagecache/pages.py) instead of hanging.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
        }
    }

# Whole-page cache for anonymous readers (newsroom/pagecache/pages.py). On by default
# when Redis is configured: a per-process local-memory cache could not be
# invalidated across gunicorn workers.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE", default=bool(REDIS_URL))
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
PAGE_BROWSER_SECONDS = env.int("PAGE_BROWSER_SECONDS", default=30)
PAGE_CDN_SECONDS = env.int("PAGE_CDN_SECONDS", default=60)
# The API answers from the database each time (its 304s spare the bytes).
PAGE_CACHE_EXCLUDE = ("/admin/", "/static/", "/media/", "/preview/", "/health/", "/api/")

# The API (newsroom.api): anonymous, read-only, JSON only. No session or
# cookie is read (every caller is Django's AnonymousUser), so no staff view
# can reach it and no CSRF applies.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_METADATA_CLASS": None,
    # Per client, before anything is read (newsroom.api.throttle): 429 with
    # Retry-After past the limit. The client is REMOTE_ADDR, or behind
    # AXES_PROXY_COUNT proxies the address the nearest one saw.
    "DEFAULT_THROTTLE_CLASSES": ["newsroom.api.throttle.FixedWindow"],
    # (0, not None: with None DRF would take a client's own X-Forwarded-For.)
    "NUM_PROXIES": env.int("AXES_PROXY_COUNT", default=0),
}
# Requests per client per window: "120/minute" (second, minute, hour, day),
# or "off".
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": (
        "Public articles of both editions, and the topics, countries, agreements, people and organisations "
        "they are filed under; read-only. Nothing unpublished is ever listed."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVERS": [{"url": SITE_URL}],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "newsroom.api.views.rate_limit_answers",
    ],
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Spanish is the site's language: its reader pages are at /..., the English
# edition's at /en/... (newsroom.core.editions). Each language is named in
# itself, as the language switcher prints it.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="es")
LANGUAGES = [("es", "Español"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The admin's language for whoever has not chosen one (each person picks
# theirs in the admin's header: newsroom.editorial.language); before login,
# the browser's language, else this.
ADMIN_LANGUAGE_CODE = env.str("ADMIN_LANGUAGE_CODE", default="es")
TIME_ZONE = env.str("TIME_ZONE", default="America/Havana")
# How reader pages name TIME_ZONE after a time ("17:05 (hora de Cuba)").
# Empty: "Cuba time", translated; set it with TIME_ZONE.
TIME_ZONE_LABEL = env.str("TIME_ZONE_LABEL", default="")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Media on local disk by default; on S3-compatible storage (django-storages)
# when a bucket is configured.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Taggit: "Cuba", "cuba" and " CUBA " are one topic.
TAGGIT_CASE_INSENSITIVE = True

LOGIN_URL = "admin:login"

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Brute-force protection for the admin login (django-axes): five failures
# for one username from one address lock that pair out for an hour.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy, the client address is the last X-Forwarded-For hop
# the proxy added; set AXES_PROXY_COUNT to the number of proxies.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Content-Security-Policy (django-csp); the admin's policy is in
# newsroom/core/security.py's middleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:", "https:"],
}


# WhiteNoise answers /static/ before the policy middleware (newsroom/core/security.py).
def _static_file_headers(headers, path, url):
    from newsroom.core.security import static_file_headers  # imported late: it reads these settings

    static_file_headers(headers, path, url)


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers
# Files answered at the site's root: /favicon.ico, which browsers and feed
# readers ask for whatever a page's <link rel="icon"> says.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
