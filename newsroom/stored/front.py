"""The front page's picks summed up on its row (``FrontPage.data``), so the
home page reads one small row to know them: written again whenever a pick
is added, changed or removed, or a topic with a block is renamed
(newsroom.stored.refresh).

The document: ``leads``, each edition's lead picks as [article id, language,
start time as a POSIX timestamp], newest start first (every pick still to
start, and the last few that started: the page falls back on them when the
newest one's story is not public); ``features``, [article id, language]
in order; ``topics``, [topic id, slug, Spanish name, English name] in
order. Which of the picked stories are public is decided when the page is
read, never here.
"""

from __future__ import annotations

from django.utils import timezone

from newsroom.models import FrontPage, FrontPageFeature, FrontPageLead, FrontPageTopic
from newsroom.models.front import FEATURED_SLOTS, TOPIC_BLOCKS

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
        leads.append([article_id, language, starts_at.timestamp()])
    features, counted = [], {}
    for article_id, language in FrontPageFeature.objects.order_by("position", "pk").values_list(
        "article_id", "article__language"
    ):
        counted[language] = counted.get(language, 0) + 1
        if counted[language] <= FEATURED_SLOTS:
            features.append([article_id, language])
    topics = [
        list(row)
        for row in FrontPageTopic.objects.order_by("position", "pk").values_list(
            "topic_id", "topic__slug", "topic__name_es", "topic__name_en"
        )[:TOPIC_BLOCKS]
    ]
    return {"leads": leads, "features": features, "topics": topics}


def refresh() -> None:
    """Write the document again (an update: the row's own signals, which
    mark the front page's cached pages, run as for any save)."""
    page = FrontPage.get()
    page.data = compute()
    page.save(update_fields=["data", "updated_at"])


def upcoming_leads(horizon_seconds: float) -> list[float]:
    """The times, within ``horizon_seconds``, at which a scheduled change of
    lead takes effect: a cached front page is kept only until then."""
    now = timezone.now().timestamp()
    data = FrontPage.objects.filter(pk=FrontPage.SINGLETON).values_list("data", flat=True).first() or {}
    return sorted(ts for _id, _language, ts in data.get("leads", []) if now < ts <= now + horizon_seconds)
