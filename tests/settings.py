"""Settings for the test suite: production settings with DEBUG off, plus the
few changes a test run needs (a throwaway key, fast hashing, no HTTPS
redirect, media in a temporary folder)."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Follow-up work runs in the save, so tests see its result at once; the
# tests that exercise the queue (test_followups.py) switch to the database
# backend and run a worker.
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="newsroom-test-media-"))
# The suite's assertions on admin pages are written in English; the admin's
# default, Spanish, and each person's choice are tested in
# test_admin_language.py.
os.environ.setdefault("ADMIN_LANGUAGE_CODE", "en")

from newsroom.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = False  # client.login() in tests has no request; test_security.py turns it on
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405 - the data generator is under test
