"""More than one machine: two app servers (gunicorn, production settings) on
different ports share one PostgreSQL and one Redis. An editor logs in and
works through one; readers of the other see every change at once, through
the shared page cache. The session made on one server is good on the other:
the servers keep nothing of their own.

PostgreSQL only (SQLite is a file two servers on two machines cannot share);
it needs Redis too. On CI, where both run, a missing Redis is a failure."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from newsroom.models import Article
from tests.conftest import parse_admin_form
from tests.factories import ArticleFactory, editor

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long test passphrase"  # noqa: S105

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A minimal HTTP client with its own cookies, speaking to one server as
    a reverse proxy would (X-Forwarded-Proto: https)."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = cookies if cookies is not None else {}

    def request(self, method: str, path: str, data: dict | list | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1{path}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response.status, dict(response.getheaders()), text

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data):
        return self.request("POST", path, data)


@pytest.fixture
def two_servers(tmp_path, request):
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share a PostgreSQL server; this run uses SQLite (set DATABASE_URL)")
    redis_url = request.getfixturevalue("live_redis")
    request.getfixturevalue("collected_static")
    # The suite's own DATABASE_URL (user, password, host, options kept),
    # pointed at the test database this test's rows are committed to.
    database_url = urlunsplit(
        urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PAGE_CACHE": "on",
        "DEBUG": "false",
        "SECRET_KEY": "two-servers-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_MAX_REQUESTS": "0",
        "AXES_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    servers, ports = [], []
    for name in ("a", "b"):
        port = free_port()
        log = (tmp_path / f"gunicorn-{name}.log").open("w")
        servers.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        ports.append(port)
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if Browser(port).get("/health/")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    logs = "\n".join(p.read_text() for p in tmp_path.glob("gunicorn-*.log"))
                    pytest.fail(f"app server on port {port} did not start:\n{logs}")
                time.sleep(0.2)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def test_an_editor_on_one_server_and_readers_on_the_other(two_servers):
    port_a, port_b = two_servers
    desk_user = editor(username="desk")
    # The servers run the production settings, whose hashers do not read the
    # test settings' fast MD5 hashes.
    desk_user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    desk_user.save(update_fields=["password"])
    story = ArticleFactory(headline="Havana and Hanoi sign a rice deal", topics=["trade"], country_codes=["VN"])
    url = story.get_absolute_url()
    reader_b = Browser(port_b)

    # Readers of B fill the shared cache: the draft is not there.
    assert reader_b.get(url)[0] == 404
    assert "Havana and Hanoi" not in reader_b.get("/")[2]
    assert reader_b.get("/")[1].get("X-Page-Cache") == "hit"

    # The editor logs in on A.
    desk = Browser(port_a)
    status, _, page = desk.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, headers, _ = desk.post(
        "/admin/login/", {"csrfmiddlewaretoken": token, "username": "desk", "password": PASSWORD}
    )
    assert status == 302, "login on A failed"

    # The session is stored in the database: it works on B as well.
    assert Browser(port_b, cookies=dict(desk.cookies)).get("/admin/")[0] == 200

    # Publish through A's article form: B shows it at once.
    change = f"/admin/newsroom/article/{story.pk}/change/"
    data = parse_admin_form(desk.get(change)[2], "article_form")
    data.update({"_action": "publish"})
    status, headers, body = desk.post(change, data)
    assert status == 302, body[:2000]
    assert Article.objects.published().filter(pk=story.pk).exists()
    status, _, page = reader_b.get(url)
    assert status == 200 and "Havana and Hanoi sign a rice deal" in page
    assert "Havana and Hanoi sign a rice deal" in reader_b.get("/")[2]
    assert "Havana and Hanoi sign a rice deal" in reader_b.get(story.countries.get().get_absolute_url())[2]

    # Edit the headline through A: B's cached pages follow at once.
    data = parse_admin_form(desk.get(change)[2], "article_form")
    data.update({"headline": "Havana and Hanoi sign a bigger rice deal", "_continue": "1"})
    status, _, body = desk.post(change, data)
    assert status == 302, body[:2000]
    assert "bigger rice deal" in reader_b.get(url)[2]
    assert "bigger rice deal" in reader_b.get("/")[2]

    # Unpublish through A: gone from B at once.
    data = parse_admin_form(desk.get(change)[2], "article_form")
    data.update({"_action": "unpublish"})
    assert desk.post(change, data)[0] == 302
    assert reader_b.get(url)[0] == 404
    assert "rice deal" not in reader_b.get("/")[2]
