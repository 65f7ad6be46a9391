"""The phone budget (issue "People, organisations and an edited front page",
point 3): the first view of the launch story on a 375 x 800 phone at device
pixel ratio 2 moves at most 80 KB in all (HTML, CSS, fonts, images), counted
by Chromium's network log, served as the README's production setup serves
it (gunicorn, production settings, collected and compressed static files,
media as files), with a hero that compresses like a photograph (2,400 px,
newsroom.demo.image.photograph_jpeg), not the flat demo illustration.

The server runs in its own process and reads the test's committed rows:
PostgreSQL only (pytest's SQLite test database lives in this process's
memory). The same measurement is in ``make bench``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from bench.weight import BUDGET_BYTES, first_view
from newsroom.demo import content
from newsroom.demo.image import photograph_jpeg
from newsroom.models import Article
from tests.test_two_servers import free_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def launch_with_photo():
    if connection.vendor != "postgresql":
        pytest.skip("the production server runs in its own process and needs PostgreSQL; this run uses SQLite")
    call_command("load_demo", verbosity=0)
    launch = Article.objects.get(slug=content.LAUNCH_SLUG)
    launch.image.save("press-photo.jpg", ContentFile(photograph_jpeg()))
    launch.refresh_from_db()
    assert launch.image_renditions and launch.image_renditions["width"] == 2400
    return launch


@pytest.fixture
def production_server(launch_with_photo, tmp_path, collected_static):
    database_url = urlunsplit(
        urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "page-weight-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PAGE_CACHE": "off",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
    }
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "bench.media_wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if urlopen(base + "/health/", timeout=5).status == 200:  # noqa: S310 - our own test server
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the production server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_the_launch_story_fits_a_phone_budget_of_80_kb(launch_with_photo, production_server, chromium_browser):
    weight = first_view(chromium_browser, production_server + launch_with_photo.get_absolute_url())
    print(f"first view of the launch story on a phone: {weight.describe()}")
    images = [(url, size) for url, kind, size in weight.resources if kind == "Image"]
    # The hero came as the WebP copy a 750 px wide screen needs, not the original.
    assert any(url.endswith("/800.webp") for url, _size in images), images
    assert not any("press-photo" in url and url.endswith(".jpg") for url, _size in images), images
    assert weight.total <= BUDGET_BYTES, f"first view {weight.describe()}: {weight.resources}"
    # And the page is whole: its stylesheet came, compressed.
    assert weight.by_type.get("Stylesheet", 0) > 1_000
