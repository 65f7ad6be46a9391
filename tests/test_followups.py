"""The follow-up work of a save (newsroom.stored.followups): queued in the
save's transaction, once per kind, and run by a worker after the commit to
the same stored copies the save used to write itself.

Most of the suite runs tasks at once (tests/settings.py); these tests use the
database backend, as production does, and run its worker."""

import signal
import sqlite3
import threading
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from alliances import agreement_page, overview
from alliances.models import Agreement, ArticleAgreement, Country, CountryOverview
from newsroom.editorial import services
from newsroom.models import Article, Author
from newsroom.stored import documents, followups, related
from newsroom.stored.refresh import rows_rewritten
from newsroom.stored.search_vector import refresh_search_vector
from tests.conftest import unwritten
from tests.factories import AgreementFactory, ArticleAgreementFactory, ArticleFactory, AuthorFactory, editor

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(settings):
    """Tasks go to the database queue, as in production."""
    settings.TASKS = DATABASE_BACKEND


def queued() -> dict[str, list[list[int]]]:
    """The ids of each queued task, by task name."""
    tasks: dict[str, list[list[int]]] = {}
    for result in DBTaskResult.objects.order_by("enqueued_at"):
        tasks.setdefault(result.task_path.rsplit(".", 1)[-1], []).append(result.args_kwargs["args"][0])
    return tasks


def run_worker() -> None:
    """``manage.py db_worker --batch``: run every ready task, then stop. The
    command installs its own signal handlers; the test run gets its own back."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def stored_copies() -> dict:
    return {
        "related": dict(Article.objects.values_list("pk", "related")),
        # (Without the time each document was written, which differs by design.)
        "documents": {row["pk"]: unwritten(row) for row in Article.objects.values("pk", "card", "page_lists")},
        "agreement_pages": {pk: unwritten(doc or {}) for pk, doc in Agreement.objects.values_list("pk", "page_lists")},
        "overviews": dict(CountryOverview.objects.values_list("country_id", "data")),
        "search_vectors": dict(Article.objects.values_list("pk", "search_vector")),
    }


class Undo(Exception):
    pass


@contextmanager
def then_undone():
    try:
        with transaction.atomic():
            yield
            raise Undo
    except Undo:
        pass


@pytest.fixture
def neighbours(db):
    """A published story and three that share its country and topic."""
    pact = AgreementFactory(title="Pact", party_codes=["CU", "RU"])
    stories = [ArticleFactory(public=True, topics=["oil"], country_codes=["CU"]) for _ in range(3)]
    ArticleAgreementFactory(article=stories[0], agreement=pact)
    draft = ArticleFactory(topics=["oil"], country_codes=["CU"])
    ArticleAgreementFactory(article=draft, agreement=pact)
    return draft, stories, pact


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_queues_the_related_lists_once_and_runs_nothing_before_the_worker(queue, neighbours):
    draft, stories, _ = neighbours
    DBTaskResult.objects.all().delete()
    before = stored_copies()["related"]

    services.publish(article=draft, user=editor())

    assert queued() == {"rank_related": [[draft.pk]]}
    assert stored_copies()["related"] == before
    run_worker()
    assert draft.pk in related.shown_ids(Article.objects.get(pk=stories[0].pk))
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_admin_save_queues_one_task_per_kind(queue, neighbours, client, admin_form_data):
    draft, stories, pact = neighbours
    client.force_login(editor())
    url = reverse("admin:newsroom_article_change", args=[draft.pk])
    data = admin_form_data(client, url)
    # Topics, countries, an agreement link and the status change in one save:
    # four signals that each ask for the related lists.
    other = AgreementFactory(title="Other", party_codes=["CU", "VE"])
    data.update(
        {
            "countries": [str(Country.objects.get(iso2="CU").pk), str(Country.objects.get(iso2="VE").pk)],
            "new_topics": "sugar",
            "agreement_links-TOTAL_FORMS": str(int(data["agreement_links-TOTAL_FORMS"]) + 1),
            f"agreement_links-{data['agreement_links-TOTAL_FORMS']}-agreement": str(other.pk),
            f"agreement_links-{data['agreement_links-TOTAL_FORMS']}-relation": "about",
            "_action": "publish",
        }
    )
    DBTaskResult.objects.all().delete()

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert queued() == {"rank_related": [[draft.pk]]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_renaming_a_country_queues_each_kind_once_with_every_id(queue, neighbours):
    draft, stories, pact = neighbours
    DBTaskResult.objects.all().delete()
    cuba = Country.objects.get(iso2="CU")
    partners = {cuba.pk, Country.objects.get(iso2="RU").pk}
    with transaction.atomic():
        cuba.name = "Cuba (renamed)"
        cuba.save()

    tasks = queued()
    assert {name: len(ids) for name, ids in tasks.items()} == {
        "rebuild_search_vectors": 1,
        "rebuild_documents": 1,
        "rebuild_agreement_pages": 1,
        "rebuild_overviews": 1,
    }
    articles = sorted(article.pk for article in [draft, *stories])
    assert tasks["rebuild_documents"] == [articles]
    assert tasks["rebuild_search_vectors"] == [articles]
    assert tasks["rebuild_agreement_pages"] == [[pact.pk]]
    assert tasks["rebuild_overviews"] == [sorted(partners)]
    # Nothing of it ran yet: the other rows still print the old name.
    assert "Cuba (renamed)" not in str(Agreement.objects.get(pk=pact.pk).page_lists)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_save_queues_nothing(queue, neighbours):
    draft, _, _ = neighbours
    DBTaskResult.objects.all().delete()
    with pytest.raises(Undo), transaction.atomic():
        services.publish(article=draft, user=editor())
        Author.objects.create(name="Someone", slug="someone")
        raise Undo

    assert not DBTaskResult.objects.exists()
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("change", ["publish", "rename country", "rename author", "retitle agreement", "unlink"])
def test_the_worker_writes_what_the_synchronous_refresh_wrote(queue, neighbours, change):
    draft, stories, pact = neighbours
    AuthorFactory(name="Ana", slug="ana")
    author = Author.objects.get(slug="ana")
    stories[1].bylines.create(author=author, position=0)
    DBTaskResult.objects.all().delete()

    with transaction.atomic():
        if change == "publish":
            services.publish(article=draft, user=editor())
        elif change == "rename country":
            cuba = Country.objects.get(iso2="CU")
            cuba.name = "Republic of Cuba"
            cuba.save()
        elif change == "rename author":
            author.name = "Ana María"
            author.save()
        elif change == "retitle agreement":
            pact.title = "The pact"
            pact.save()
        else:
            ArticleAgreement.objects.get(article=stories[0]).delete()

    # The old path: every queued task's refresh run in the save, then undone.
    with then_undone():
        for result in DBTaskResult.objects.all():
            ids = result.args_kwargs["args"][0]
            {
                "rank_related": related.refresh,
                "rebuild_documents": documents.refresh,
                "rebuild_agreement_pages": agreement_page.refresh,
                "rebuild_overviews": overview.refresh,
                "rebuild_search_vectors": refresh_search_vector,
            }[result.task_path.rsplit(".", 1)[-1]](ids)
        expected = stored_copies()
    assert DBTaskResult.objects.exists()
    assert stored_copies() != expected

    run_worker()

    assert stored_copies() == expected


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_skips_rows_deleted_after_it_was_queued(queue, neighbours):
    draft, stories, _ = neighbours
    author = AuthorFactory(name="Ana", slug="ana")
    stories[1].bylines.create(author=author, position=0)
    DBTaskResult.objects.all().delete()
    author.name = "Ana María"
    author.save()
    stories[1].delete()

    run_worker()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db
def test_tasks_announce_the_rows_they_rewrote(neighbours):
    draft, stories, pact = neighbours
    heard = []

    def listen(sender, model, ids, **kwargs):
        heard.append((model, sorted(ids)))

    rows_rewritten.connect(listen)
    try:
        cuba = Country.objects.get(iso2="CU")
        cuba.name = "Republic of Cuba"
        cuba.save()
        heard_on_rename = list(heard)
        heard.clear()
        services.publish(article=draft, user=editor())
    finally:
        rows_rewritten.disconnect(listen)

    articles = sorted(article.pk for article in [draft, *stories])
    assert ("newsroom.article", articles) in heard_on_rename
    assert ("alliances.agreement", [pact.pk]) in heard_on_rename
    partners = sorted([cuba.pk, Country.objects.get(iso2="RU").pk])
    assert ("alliances.countryoverview", partners) in heard_on_rename
    # Publishing: the draft's own list and the neighbours it entered.
    assert heard == [("newsroom.article", sorted([draft.pk, *(story.pk for story in stories)]))]


def sqlite_settings(settings, path) -> dict:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the SQLite settings apply when the site runs on SQLite")
    return {**settings.DATABASES["default"], "NAME": str(path)}


def test_sqlite_connections_use_wal_and_a_busy_timeout(settings, tmp_path, django_db_blocker):
    wrapper = SQLiteWrapper(sqlite_settings(settings, tmp_path / "site.sqlite3"), alias="wal-check")
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_the_site_waits_for_a_worker_holding_the_write_lock(settings, tmp_path, django_db_blocker):
    path = tmp_path / "site.sqlite3"
    site = SQLiteWrapper(sqlite_settings(settings, path), alias="site")
    worker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    with django_db_blocker.unblock():
        try:
            with site.cursor() as cursor:
                cursor.execute("CREATE TABLE t (n integer)")
            worker.execute("BEGIN IMMEDIATE")
            worker.execute("INSERT INTO t VALUES (1)")
            # Without a busy timeout a write fails at once while the lock is held.
            impatient = sqlite3.connect(path, timeout=0)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                impatient.execute("INSERT INTO t VALUES (3)")
            impatient.close()
            release = threading.Timer(0.3, worker.execute, ["COMMIT"])
            release.start()
            with site.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (2)")
                assert cursor.execute("SELECT count(*) FROM t").fetchone()[0] == 2
            release.join()
        finally:
            site.close()
            worker.close()


def test_followups_outside_a_collect_block_queue_at_once(settings, db):
    settings.TASKS = DATABASE_BACKEND
    with followups.collect():
        followups.later(followups.DOCUMENTS, [3, 1])
        followups.later(followups.DOCUMENTS, [2, 1])
        followups.later(followups.RELATED, [])
        assert not DBTaskResult.objects.exists()
    assert queued() == {"rebuild_documents": [[1, 2, 3]]}
    followups.later(followups.DOCUMENTS, [4])
    assert queued() == {"rebuild_documents": [[1, 2, 3], [4]]}


def test_a_collect_block_that_raises_queues_nothing(settings, db):
    settings.TASKS = DATABASE_BACKEND
    with pytest.raises(Undo), followups.collect():
        followups.later(followups.DOCUMENTS, [1])
        raise Undo
    assert not DBTaskResult.objects.exists()


def test_setting_an_article_s_topics_to_what_they_were_rewrites_nothing(db, monkeypatch):
    article = ArticleFactory(public=True, topics=["oil"], country_codes=["CU"])
    written = []
    monkeypatch.setattr(documents, "refresh", lambda ids: written.append(list(ids)) or list(ids))

    article.tags.set(["oil"])
    article.countries.set(list(article.countries.all()))
    assert written == []

    article.tags.add("sugar")
    assert written == [[article.pk]]
