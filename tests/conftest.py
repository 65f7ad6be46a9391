import os
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.template.backends import jinja2 as jinja2_backend
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext, override_settings
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished

from newsroom.pagecache import pages as page_cache
from newsroom.site import selectors
from tests import factories


def _flushes(item) -> bool:
    """Whether ``item`` empties every table when it ends, as pytest-django
    decides it: a transactional mark, or a fixture that asks for one."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


_seeded = {}


@pytest.fixture(autouse=True, scope="session")
def _seeded_rows(django_db_setup, django_db_blocker):
    """A copy of what the test database holds before any test runs (the
    countries and groups the data migrations seed, content types and
    permissions), kept for ``pytest_runtest_teardown`` to put back."""
    from django.db import connections

    with django_db_blocker.unblock():
        _seeded["copies"] = {each.alias: each.creation.serialize_db_to_string() for each in connections.all()}
    _seeded["blocker"] = django_db_blocker
    yield
    _seeded.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (browser walks, live servers) ends by emptying
    every table, the data migrations' countries and groups included. A run
    in one process puts those tests last; under pytest-xdist a worker may
    run an ordinary test after one, so the seeded rows are put back from
    the copy ``_seeded_rows`` took. Done even when a fixture's teardown
    failed, so that one failure does not empty the next tests."""
    try:
        return (yield)
    finally:
        # No next test: the session's fixtures, the test database among
        # them, were torn down with this one.
        if nextitem is not None and _flushes(item) and not _flushes(nextitem) and _seeded:
            _restore_seeded_rows()


def _restore_seeded_rows() -> None:
    from django.db import connections

    with _seeded["blocker"].unblock():
        for alias, contents in _seeded["copies"].items():
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True, scope="session")
def _record_jinja2_renders():
    """Let ``response.templates`` and ``response.context`` see the public
    site's Jinja2 templates, as Django's test set-up does for its own
    template language: each render announces its template (with the name it
    was asked for) and the view's context."""
    render = jinja2_backend.Template.render

    def recorded(self, context=None, request=None):
        template_rendered.send(sender=self, template=self.template, context=dict(context or {}))
        return render(self, context, request)

    jinja2_backend.Template.render = recorded
    yield
    jinja2_backend.Template.render = render


class TaskFailed(AssertionError):
    pass


@pytest.fixture(autouse=True, scope="session")
def _fail_on_failed_tasks():
    """A task that raises fails the test that queued it: the backends only
    record the error on the task's result, which no test would look at."""

    def check(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            raise TaskFailed(f"{task_result.task.name} failed:\n{task_result.errors[-1].traceback}")

    task_finished.connect(check, dispatch_uid="tests.fail_on_failed_tasks")
    yield
    task_finished.disconnect(dispatch_uid="tests.fail_on_failed_tasks")


def unwritten(document: dict) -> dict:
    """A stored document without the time it was written (which a document
    computed now cannot share)."""
    lists = document.get("page_lists", document) or {}
    trimmed = {key: value for key, value in lists.items() if key != "written"}
    return {**document, "page_lists": trimmed} if "page_lists" in document else trimmed


def forget_caches() -> None:
    """Cold caches: the shared cache emptied, and what the process keeps
    between requests forgotten."""
    page_cache.reset_availability()
    selectors._nav_fallback = (0.0, None)  # the header counts kept while Redis is down
    selectors._nav_memo = None  # and those a process keeps for their minute
    cache.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    forget_caches()
    yield
    cache.clear()
    page_cache.reset_availability()


def count_queries(client, url: str, *, cold: bool = True) -> int:
    """The queries one GET of ``url`` runs (it must answer 200), with cold
    caches and the page cache off; ``cold=False`` empties only the shared
    cache, so what the process keeps between requests is kept."""
    if cold:
        forget_caches()
    else:
        cache.clear()
    with override_settings(PAGE_CACHE_ENABLED=False), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def queries_by_size(django_db_blocker, urls, adder, sizes=(1, 30)) -> dict[int, dict[str, int]]:
    """Each URL's queries (count_queries) with ``sizes`` items: ``adder()``
    builds what the items share and returns a function that adds item i.
    Built once for a module, in a transaction rolled back after."""
    counts = {}
    with rolled_back(django_db_blocker):
        client = Client()
        add = adder()
        for i in range(max(sizes)):
            add(i)
            if i + 1 in sizes:
                counts[i + 1] = {url: count_queries(client, url) for url in urls}
    return counts


@contextmanager
def rolled_back(django_db_blocker):
    """Database access for a module-scoped fixture, in a transaction that is
    rolled back at the end: rows that several tests only read are built
    once, and nothing of them outlives the fixture."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


# TEST_REDIS_URL names a Redis server; each pytest-xdist worker empties and
# uses a database of its own there, 8 for the first (or for a run without
# workers), 9 for the next, up to 15 (`make test` starts at most 8 workers).
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
TEST_REDIS_URL = f"{os.environ.get('TEST_REDIS_URL', 'redis://127.0.0.1:6379').rstrip('/')}/{8 + _WORKER}"


@pytest.fixture
def no_page_cache(settings):
    """Every request reaches its view, before and after an edit (modules
    that test views, feeds or search list it in their pytestmark)."""
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def live_redis() -> str:
    """The URL of a real, emptied Redis database for a test (TEST_REDIS_URL).
    Skipped when none answers, except on CI, where that is a failure."""
    import redis

    try:
        client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=0.5)
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not answering at {TEST_REDIS_URL} on CI")
        pytest.skip(f"Redis is not answering at {TEST_REDIS_URL}")
    client.flushdb()
    return TEST_REDIS_URL


@pytest.fixture
def writer_user(db):
    return factories.writer(username="wendy")


@pytest.fixture
def editor_user(db):
    return factories.editor(username="eddie")


@pytest.fixture
def writer_client(client, writer_user):
    client.force_login(writer_user)
    return client


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


class _AdminFormParser:
    """Reads the values a browser would submit from one <form> of an admin
    page: inputs (checked boxes only), selected options, textareas. Inline
    formset templates (``__prefix__``) are left out, as the browser's JS would."""

    def __init__(self, form_id: str | None = None, *, which=None):
        from html.parser import HTMLParser

        # ``which(attrs)`` picks the form by its attributes; by default the
        # one whose id is ``form_id``. The first form it picks is read.
        self.which = which or (lambda attrs: attrs.get("id") == form_id)
        self.done = False
        self.data: dict[str, list[str]] = {}
        parser = self

        class Parser(HTMLParser):
            inside = False
            select = None
            select_options: list = []
            textarea = None

            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                if tag == "form":
                    self.inside = not parser.done and parser.which(attrs)
                if not self.inside:
                    return
                name = attrs.get("name")
                if tag == "input" and name:
                    kind = attrs.get("type", "text")
                    if kind in ("submit", "button", "file", "image", "reset"):
                        return
                    if kind in ("checkbox", "radio") and "checked" not in attrs:
                        return
                    parser.add(name, attrs.get("value", "on" if kind in ("checkbox", "radio") else ""))
                elif tag == "select" and name:
                    self.select = (name, "multiple" in attrs, [])
                elif tag == "option" and self.select is not None:
                    self.select[2].append((attrs.get("value", ""), "selected" in attrs))
                elif tag == "textarea" and name:
                    self.textarea = [name, ""]

            def handle_endtag(self, tag):
                if tag == "form":
                    parser.done = parser.done or self.inside
                    self.inside = False
                elif tag == "select" and self.select is not None:
                    name, multiple, options = self.select
                    chosen = [value for value, selected in options if selected]
                    if not chosen and not multiple and options:
                        chosen = [options[0][0]]
                    for value in chosen:
                        parser.add(name, value)
                    self.select = None
                elif tag == "textarea" and self.textarea is not None:
                    name, text = self.textarea
                    # Browsers drop the newline that Django writes after <textarea>.
                    parser.add(name, text[1:] if text.startswith("\n") else text)
                    self.textarea = None

            def handle_data(self, data):
                if self.textarea is not None:
                    self.textarea[1] += data

        self.parser = Parser(convert_charrefs=True)

    def add(self, name: str, value: str) -> None:
        if "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def parse(self, html: str) -> dict:
        self.parser.feed(html)
        return {name: values if len(values) > 1 else values[0] for name, values in self.data.items()}


def parse_admin_form(html: str, form_id: str | None = None, *, which=None) -> dict:
    """What a browser would submit from the form ``form_id`` of ``html`` (or
    the first form ``which(attributes)`` accepts)."""
    return _AdminFormParser(form_id, which=which).parse(html)


@pytest.fixture
def admin_form_data():
    """``admin_form_data(client, url)``: what the admin page at ``url`` would
    post back unchanged, as a dict to edit and POST in a test."""

    def read(client, url: str, form_id: str | None = None) -> dict:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        form_id = form_id or f"{response.context['opts'].model_name}_form"
        return parse_admin_form(response.content.decode(), form_id)

    return read


@pytest.fixture
def collected_static():
    """The site's static files collected into STATIC_ROOT for a server the
    test runs in its own process, and held (a file lock) until the test
    ends: under pytest-xdist another such test could otherwise rewrite the
    files and the manifest this one's server is serving."""
    import fcntl
    import hashlib
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    name = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    with (Path(tempfile.gettempdir()) / f"newsroom-static-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "false",
            "SECRET_KEY": "collectstatic-" + "x" * 40,
        }
        command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(command, cwd=root, env=env, check=True, timeout=120)
        yield


# Browser tests (Playwright driving Debian's chromium) -------------------------

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium_browser():
    """Debian's chromium through Playwright. Never downloads a browser:
    without /usr/bin/chromium the test is skipped, or fails on CI, where a
    missing browser is a broken set-up.

    One browser per test, not per session: while Playwright runs, Django
    hands this thread a different database connection, so the test database
    must be set up (and flushed, and restored for serialized rollback) while
    no browser is running: request data fixtures before this one. Mark
    browser tests ``django_db(transaction=True, serialized_rollback=True)``
    so the data migrations' rows (countries, groups) survive the flush."""
    import os

    if not os.path.exists(CHROMIUM_PATH):
        reason = f"{CHROMIUM_PATH} is missing (apt-get install chromium); browser tests need Debian's chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which
    # makes Django refuse ORM calls from the test body (factories, asserts).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
            # Connections the test opened while Playwright ran belong to this
            # context and would otherwise stay open (PostgreSQL then refuses
            # to drop the test database at the end of the run).
            from django.db import connections

            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_artifacts():
    """The folder for screenshots (test-artifacts/, git-ignored)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder


def serve_media(page) -> None:
    """Let a Playwright page load uploaded images from the live server's
    MEDIA_ROOT: the test server serves static files but not media."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT).resolve()

    def handle(route):
        from urllib.parse import unquote, urlparse

        relative = unquote(urlparse(route.request.url).path).removeprefix(settings.MEDIA_URL)
        path = (root / relative).resolve()
        if path.is_relative_to(root) and path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="")

    page.route(f"**{settings.MEDIA_URL}**", handle)
