"""Production settings: the deploy checklist, a missing secret key, security
headers, and brute-force protection of the admin login."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.factories import ArticleFactory, editor

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "ALLOWED_HOSTS")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        # No .env: the developer's own file must not supply the missing key.
        env={**clean, "ENV_FILE": "/dev/null", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_with_debug_off_stops_start_up_with_a_clear_message():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_deploy_checklist_is_clean_in_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "a-long-and-random-production-secret-value-0123456789",
        ALLOWED_HOSTS="news.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_public_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_readers_policy_built_once_still_follows_the_settings(client, settings):
    """The readers' header is built once, not per response: it must still be
    django-csp's own rendering of the settings, and change with them."""
    from csp.utils import build_policy

    assert client.get("/")["Content-Security-Policy"] == build_policy()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/")["Content-Security-Policy"] == "default-src 'none'"
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    response = client.get("/")
    assert "img-src 'self'" in response["Content-Security-Policy-Report-Only"].split("; ")
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
def test_admin_has_its_own_policy_that_still_refuses_other_origins(client):
    client.force_login(editor())
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_admin_login_locks_out_after_repeated_failures(client):
    user = editor(username="target")
    ArticleFactory(public=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "target", "password": "wrong guess"})
    response = client.post("/admin/login/", {"username": "target", "password": "correct horse battery staple"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Readers are not affected by the lockout.
    assert client.get("/").status_code == 200
    assert user.is_active


@pytest.mark.django_db
@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_carry_the_readers_policy_too():
    """WhiteNoise answers /static/ before the policy middleware runs; an SVG
    opened by itself is a document, so its script must be refused too."""
    from django.test import Client

    response = Client().get("/static/admin/img/search.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
