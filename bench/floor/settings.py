"""The benchmark's true floor: what ``django-admin startproject`` gives, with
one view that answers "ok" and touches neither the database nor the cache.

bench/run.py serves it with the site's own gunicorn.conf.py, beside the site
and with the same worker settings, and every page's throughput is given as a
ratio to it. The site's /health/ view runs the same code behind the site's
middleware; the report shows both, so what that middleware costs is in plain
sight. The middleware and apps below are startproject's defaults (Django
5.2), unchanged: leaving any out would make the floor kinder than a new
project."""

import os

SECRET_KEY = os.environ.get("SECRET_KEY", "bench-floor-only")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

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

ROOT_URLCONF = "bench.floor.urls"
WSGI_APPLICATION = "bench.floor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# startproject's SQLite file; the floor view never opens it.
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.devnull}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
