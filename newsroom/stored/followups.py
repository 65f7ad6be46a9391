"""Follow-up work of a save: the stored copies that restate a change in
other rows, written by a background worker after the save commits.

A save keeps in its own transaction what decides who may see what, and the
saved record's own copies (the table in newsroom.stored.refresh says which).
What only repeats the change elsewhere (its neighbours' related lists, the
documents and search vectors of the articles that print a renamed name, the
agreement pages of linked agreements, the country overviews) is queued here:
ranking related lists alone made publishing from the admin take seconds.

The queue is Django's Tasks API (``django_tasks``, the backport of what
Django 6 ships as ``django.tasks``) with the database backend
(``django_tasks_db``). Why that one:

* no service to run beside the database: the SQLite file on a laptop and
  PostgreSQL in production hold the queue too;
* the task row is written in the save's own transaction: a save that
  commits never loses its follow-up work, and one that rolls back never
  queues any (a queue on Redis would have to be told after the commit, and
  a crash in between would lose the work);
* Django 6 has the same API built in, so moving to it is a settings change
  and an import.

Within one save, the work is gathered in :func:`collect` and queued once per
kind, with every id the save touched; outside it, each call queues its own
task. The tasks are idempotent (they compute the copies afresh from the
rows) and skip rows deleted in the meantime. If no worker runs, pages stay
correct: they filter what they print by the visibility rule, only some
lists and names lag behind until a worker catches up.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction
from django_tasks import task

from alliances import agreement_page, overview
from alliances.models import Country
from newsroom.models import Article
from newsroom.stored import documents, related, renditions
from newsroom.stored.search_vector import refresh_search_vector
from newsroom.stored.signals import rows_rewritten

RELATED = "related"
SEARCH_VECTORS = "search_vectors"
DOCUMENTS = "documents"
AGREEMENT_PAGES = "agreement_pages"
OVERVIEWS = "overviews"
RENDITIONS = "renditions"
# The photos of authors, people and organisations, by their label.
PHOTOS = {label: f"photos:{label}" for label in ("newsroom.author", "alliances.person", "alliances.organization")}


@task()
def rank_related(article_ids: list[int]) -> int:
    """Rank the related lists of these articles again, and merge them into
    (or out of) their neighbours' lists (newsroom.stored.related)."""
    written = related.refresh(article_ids)
    rows_rewritten("newsroom.article", written)
    return len(written)


@task()
def rebuild_search_vectors(article_ids: list[int]) -> int:
    """The search vectors of articles that print a renamed topic, country or
    agreement."""
    return _rewrite("newsroom.article", _search_vectors, article_ids)


@task()
def rebuild_documents(article_ids: list[int]) -> int:
    """The card and page documents of articles that print a renamed or
    changed record."""
    return _rewrite("newsroom.article", documents.refresh, article_ids)


@task()
def rebuild_agreement_pages(agreement_ids: list[int]) -> int:
    """The stored pages of agreements that print a changed one."""
    return _rewrite("alliances.agreement", agreement_page.refresh, agreement_ids)


@task()
def rebuild_overviews(country_ids: list[int]) -> int:
    """The country overviews that count or list a changed agreement or
    name a renamed country. A country's overview row has the country's id."""
    return _rewrite("alliances.countryoverview", _overviews, country_ids)


@task()
def render_images(article_ids: list[int]) -> int:
    """The renditions of these articles' images (newsroom.stored.renditions):
    written once per image and width, then recorded on the article."""
    written = renditions.refresh(article_ids)
    rows_rewritten("newsroom.article", written)
    return len(written)


def _photos(label: str, ids: list[int]) -> int:
    written = renditions.refresh(ids, label)
    rows_rewritten(label, written)
    return len(written)


@task()
def render_author_photos(author_ids: list[int]) -> int:
    return _photos("newsroom.author", author_ids)


@task()
def render_person_photos(person_ids: list[int]) -> int:
    return _photos("alliances.person", person_ids)


@task()
def render_organization_photos(organization_ids: list[int]) -> int:
    return _photos("alliances.organization", organization_ids)


# Rows rewritten per transaction.
REWRITE_BATCH = 500


def _rewrite(model_label: str, write, ids: list[int]) -> int:
    """Run ``write`` (which returns the ids it wrote) over ``ids``, a
    transaction per batch, then announce the rows. Each batch commits
    within moments of the time its documents were stamped with (the API's
    Last-Modified counts on that: newsroom.api.records.SETTLE); a rename
    that touches thousands of stories would otherwise hold one transaction
    for minutes."""
    ids = sorted(set(ids))
    written = []
    for start in range(0, len(ids), REWRITE_BATCH):
        with transaction.atomic():
            written += write(ids[start : start + REWRITE_BATCH])
    rows_rewritten(model_label, written)
    return len(written)


def _search_vectors(article_ids: list[int]) -> list[int]:
    ids = list(Article.objects.filter(pk__in=article_ids).order_by("pk").values_list("pk", flat=True))
    refresh_search_vector(ids)
    return ids


def _overviews(country_ids: list[int]) -> list[int]:
    # Deleted countries are skipped: their overview would have nothing to
    # point at.
    ids = list(Country.objects.filter(pk__in=country_ids).order_by("pk").values_list("pk", flat=True))
    overview.refresh(ids)
    return ids


# In the order they are queued (and so run, at equal priority).
TASKS = {
    SEARCH_VECTORS: rebuild_search_vectors,
    DOCUMENTS: rebuild_documents,
    AGREEMENT_PAGES: rebuild_agreement_pages,
    OVERVIEWS: rebuild_overviews,
    RELATED: rank_related,
    RENDITIONS: render_images,
    PHOTOS["newsroom.author"]: render_author_photos,
    PHOTOS["alliances.person"]: render_person_photos,
    PHOTOS["alliances.organization"]: render_organization_photos,
}


# Gathering --------------------------------------------------------------------

_state = threading.local()


def later(kind: str, ids: Iterable[int]) -> None:
    """Queue the ``kind`` follow-up work for ``ids``: at the end of the
    current :func:`collect` block, or now if there is none. Call it inside
    the save's transaction."""
    ids = {int(pk) for pk in ids if pk is not None}
    if not ids:
        return
    pending = getattr(_state, "pending", None)
    if pending is None:
        _enqueue({kind: ids})
    else:
        pending.setdefault(kind, set()).update(ids)


@contextmanager
def collect():
    """Gather the follow-up work of everything inside the block and queue
    one task per kind when it ends (enter it inside the transaction, so the
    task rows commit or roll back with the save). Nothing is queued if the
    block raises. Nested blocks leave it to the outermost."""
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = {}
    try:
        yield
        pending = _state.pending
    finally:
        _state.pending = None
    _enqueue(pending)


def _enqueue(pending: dict[str, set[int]]) -> None:
    for kind, work in TASKS.items():
        if pending.get(kind):
            work.enqueue(sorted(pending[kind]))
