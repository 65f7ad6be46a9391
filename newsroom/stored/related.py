"""Related articles, ranked when links change rather than when a page is read.

Ranking the archive for every page view groups the topic and country link
tables, and a busy topic has tens of thousands of rows: that query alone
cost the article page most of its time. So the ranking runs
on write and its result is stored on the article (``Article.related``); the
page reads the ids and fetches the cards.

The rule (unchanged): shared agreements count first, then shared countries,
then shared topics, newest first on a tie. The scores are symmetric (A shares
with B what B shares with A), which is what keeps older articles' boxes fresh:
when an article's links change, or it is published or scheduled, it gets its
own list and then enters the stored lists of its closest neighbours where it
outranks their last entry. That runs in a background task after the save
commits (newsroom.stored.followups): the lists decide nothing about
visibility, and ranking them was most of the cost of publishing. Each entry is ``[id, agreements, countries,
topics, published timestamp]`` so a neighbour's list can be merged without
ranking it again.

Stored lists may name articles that are no longer public (unpublished,
scheduled for later, deleted): the page filters them out with
``Article.objects.published()``, the single visibility rule, and keeps more
entries than it shows so the box stays full. Scheduled articles are ranked
like published ones, so they appear in boxes the moment their time comes,
without a write. What the stored lists do not follow: a topic merge or a
topic or agreement deletion (the links go in bulk; lists are refreshed when
each article is next saved), a neighbour's later change of publication time
(its stored timestamp only breaks ties), and a neighbour whose box another
save held locked at that moment (see ``refresh``).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import chain
from operator import itemgetter

from django.db import transaction
from django.db.models import Count

from alliances.models import ArticleAgreement
from newsroom.models import Article, TaggedCountry, TaggedTopic

# Shown on the page, and kept in storage (room for a few to become hidden).
SHOWN = 4
KEPT = 12
# How many of an article's closest candidates it is offered to as a
# newcomer when it is published or relinked.
NEIGHBOURS = 50
# How many candidates each link table may offer (grouping stays bounded on
# the (tag, article) indexes).
CANDIDATES = 200
# What two articles may share, in the order the ranking weighs it: the link
# table, its tag column and its article column.
POOLS = (
    (ArticleAgreement, "agreement_id", "article_id"),
    (TaggedCountry, "tag_id", "content_object_id"),
    (TaggedTopic, "tag_id", "content_object_id"),
)


def _timestamp(value) -> int:
    return int(value.timestamp()) if value is not None else 0


def sort_key(entry: list) -> tuple:
    return (entry[1], entry[2], entry[3], entry[4], entry[0])


def rank(article_id: int, limit: int = NEIGHBOURS) -> list[list]:
    """The best ``limit`` candidates for ``article_id``'s box among articles
    that are published or scheduled, ranked, as stored entries."""
    shared: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for position, (model, key, article_field) in enumerate(POOLS):
        own = model.objects.filter(**{article_field: article_id}).values(key)
        rows = (
            model.objects.filter(**{f"{key}__in": own})
            .exclude(**{article_field: article_id})
            .values(article_field)
            .annotate(n=Count("pk"))
            .order_by("-n", f"-{article_field}")[:CANDIDATES]
        )
        for row in rows:
            shared[row[article_field]][position] = row["n"]
    if not shared:
        return []
    dates = Article.objects.filter(status=Article.Status.PUBLISHED, pk__in=list(shared)).values_list(
        "pk", "published_at"
    )
    entries = [[pk, *shared[pk], _timestamp(published_at)] for pk, published_at in dates]
    entries.sort(key=sort_key, reverse=True)
    return entries[:limit]


def merge(entries: list[list], newcomer: list) -> list[list]:
    """``entries`` with ``newcomer`` in its place (replacing an older entry
    for the same article), ranked, at most KEPT long."""
    merged = [entry for entry in entries if entry[0] != newcomer[0]]
    merged.append(newcomer)
    merged.sort(key=sort_key, reverse=True)
    return merged[:KEPT]


def refresh(article_ids: Iterable[int]) -> list[int]:
    """Rank again the boxes of ``article_ids``, then bring their neighbours'
    boxes up to date: a published or scheduled article enters (or moves in)
    the boxes of its closest candidates, and leaves the boxes of articles it
    no longer shares anything with (a removed topic) or of every neighbour
    when it is no longer published. A few queries per article; ``update()``
    so that neither ``updated_at`` nor history moves.

    Neighbours' rows are locked with SKIP LOCKED (PostgreSQL): a row another
    transaction holds (an editor saving that very article) is left out
    instead of waited for, so two saves never deadlock; that neighbour's box
    is ranked afresh at its own save anyway.

    Returns the ids of the articles whose lists were written; ids of deleted
    articles are skipped."""
    written: dict[int, None] = {}
    for article_id in dict.fromkeys(article_ids):
        row = Article.objects.filter(pk=article_id).values_list("status", "published_at", "related").first()
        if row is None:
            continue
        status, published_at, previous = row
        candidates = rank(article_id)
        Article.objects.filter(pk=article_id).update(related=candidates[:KEPT])
        written[article_id] = None
        offered = status == Article.Status.PUBLISHED
        scores = {entry[0]: entry[1:4] for entry in candidates} if offered else {}
        involved = set(scores) | {entry[0] for entry in previous or []}
        if not involved:
            continue
        with transaction.atomic():
            changed = []
            neighbours = (
                Article.objects.filter(pk__in=involved)
                .only("pk", "related")
                .order_by("pk")
                .select_for_update(skip_locked=True)
            )
            for neighbour in neighbours:
                current = neighbour.related or []
                if neighbour.pk in scores:
                    updated = merge(current, [article_id, *scores[neighbour.pk], _timestamp(published_at)])
                else:
                    updated = [entry for entry in current if entry[0] != article_id]
                if updated != current:
                    neighbour.related = updated
                    changed.append(neighbour)
            Article.objects.bulk_update(changed, ["related"], batch_size=100)
            written.update(dict.fromkeys(neighbour.pk for neighbour in changed))
    return list(written)


def rank_bulk(article_ids: Iterable[int], batch_size: int = 1_000) -> None:
    """The bulk form of ``refresh`` for articles written around the ORM
    (bench_data, imports): each box ranked by ``rank``'s rule against the
    archive as it stands. Every article of the archive must be in
    ``article_ids`` (or already ranked): the neighbours' boxes are not
    merged into, since each is ranked in full.

    Asking PostgreSQL to group a busy tag's rows for each article took about
    an hour for 100,000 articles (a topic set is nearly always new, so
    nothing can be reused). Here the three link tables are read once into
    memory (a few hundred thousand pairs; tens of megabytes at 100,000
    articles) as one list of articles per tag, newest id first, and each
    article's candidates are counted in Python: the same counts and the same
    order (shared links, then the higher id), so the same boxes as ``rank``
    (tests/test_bench_data.py compares them). The link tables hold one row
    per article and tag (unique constraints), which the counting relies on."""
    ids = list(dict.fromkeys(article_ids))
    published = {
        pk: _timestamp(published_at)
        for pk, published_at in Article.objects.filter(status=Article.Status.PUBLISHED).values_list(
            "pk", "published_at"
        )
    }
    pools = [_Postings(*pool) for pool in POOLS]
    for start in range(0, len(ids), batch_size):
        boxes = []
        for pk in ids[start : start + batch_size]:
            shared: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
            for position, pool in enumerate(pools):
                for candidate, n in pool.best(pk):
                    shared[candidate][position] = n
            entries = [[other, *scores, published[other]] for other, scores in shared.items() if other in published]
            entries.sort(key=sort_key, reverse=True)
            boxes.append(Article(pk=pk, related=entries[:KEPT]))
        Article.objects.bulk_update(boxes, ["related"])


class _Postings:
    """One link table in memory: each article's tags, and each tag's
    articles (highest id first)."""

    def __init__(self, model, key: str, article_field: str):
        self.tags: dict[int, list] = defaultdict(list)
        self.articles: dict[object, list[int]] = defaultdict(list)
        rows = model.objects.order_by(key, f"-{article_field}").values_list(key, article_field)
        for tag_id, article_id in rows.iterator(chunk_size=20_000):
            self.tags[article_id].append(tag_id)
            self.articles[tag_id].append(article_id)

    def best(self, article_id: int) -> list[tuple[int, int]]:
        """``rank``'s candidates from this table: up to CANDIDATES other
        articles with the most tags in common, then the highest id."""
        lists = [self.articles[tag] for tag in self.tags.get(article_id, ())]
        if not lists:
            return []
        if len(lists) == 1:  # one tag: every candidate shares one, highest ids first
            found = [(other, 1) for other in lists[0][: CANDIDATES + 1]]
        else:
            counts = Counter(chain.from_iterable(lists))
            found = heapq.nlargest(CANDIDATES + 1, counts.items(), key=itemgetter(1, 0))
        return [(other, n) for other, n in found if other != article_id][:CANDIDATES]


def shown_ids(article) -> list[int]:
    """The ids the page may show, best first (visibility is checked by the
    caller's query)."""
    return [entry[0] for entry in (article.related or []) if entry and entry[0] != article.pk]
