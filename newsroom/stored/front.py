"""The front page's picks summed up on its row (``FrontPage.data``), so the
home page reads one small row to know them: written again whenever a pick
is added, changed or removed, or a topic with a block is renamed
(newsroom.stored.refresh).

The document: ``leads``, the lead picks as [article id, start time as a
POSIX timestamp], newest start first (every pick still to start, and each
edition's last few that started: the page falls back on them when the
newest one's story is not public); ``features``, the featured article ids
in order; ``topics``, [topic id, slug, Spanish name, English name] in
order. Which of the picked stories are public, and in which edition, is
decided when the page is read from the stories themselves, never here.
"""

from __future__ import annotations

import threading

from django.utils import timezone

from newsroom.models import FrontPage, FrontPageFeature, FrontPageLead, FrontPageTopic
from newsroom.models.front import TOPIC_BLOCKS

# Started lead picks kept per edition: the page walks back through them
# while the newer ones' stories are not public.
STARTED_LEADS_KEPT = 10


def compute() -> dict:
    now = timezone.now()
    leads, started = [], {}
    for article_id, language, starts_at in FrontPageLead.objects.order_by("-starts_at", "-pk").values_list(
        "article_id", "article__language", "starts_at"
    ):
        if starts_at <= now:
            started[language] = started.get(language, 0) + 1
            if started[language] > STARTED_LEADS_KEPT:
                continue
        leads.append([article_id, starts_at.timestamp()])
    features = list(FrontPageFeature.objects.order_by("position", "pk").values_list("article_id", flat=True))
    topics = [
        list(row)
        for row in FrontPageTopic.objects.order_by("position", "pk").values_list(
            "topic_id", "topic__slug", "topic__name_es", "topic__name_en"
        )[:TOPIC_BLOCKS]
    ]
    return {"leads": leads, "features": features, "topics": topics}


def prune() -> int:
    """Delete the lead picks that can never lead again: those of an edition
    older than its ``STARTED_LEADS_KEPT`` newest started ones. Without this
    the screen would list every lead the site ever had, and grow past what
    one form may post."""
    now = timezone.now()
    old, started = [], {}
    for pk, language in (
        FrontPageLead.objects.filter(starts_at__lte=now)
        .order_by("-starts_at", "-pk")
        .values_list("pk", "article__language")
    ):
        started[language] = started.get(language, 0) + 1
        if started[language] > STARTED_LEADS_KEPT:
            old.append(pk)
    if old:
        FrontPageLead.objects.filter(pk__in=old).delete()
    return len(old)


_refreshing = threading.local()


def refresh() -> None:
    """Prune the old lead picks and write the document again (the row's own
    signals, which mark the front page's cached pages, run as for any
    save). Deleting old picks sends their own signals, which call this
    again: those calls are left to the outer one."""
    if getattr(_refreshing, "active", False):
        return
    _refreshing.active = True
    try:
        prune()
        page = FrontPage.get()
        page.data = compute()
        page.save(update_fields=["data", "updated_at"])
    finally:
        _refreshing.active = False


def upcoming_leads(horizon_seconds: float) -> list[float]:
    """The times, within ``horizon_seconds``, at which a scheduled change of
    lead takes effect: a cached front page is kept only until then."""
    now = timezone.now().timestamp()
    data = FrontPage.objects.filter(pk=FrontPage.SINGLETON).values_list("data", flat=True).first() or {}
    return sorted(ts for _id, ts in data.get("leads", []) if now < ts <= now + horizon_seconds)
