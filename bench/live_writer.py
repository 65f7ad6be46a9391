"""The benchmark's writer for the live-newsroom phase (bench/run.py).

While readers load the site, this process saves a story every few seconds
through the same code the admin runs: it publishes new stories into the
most-read topics (services.publish), edits the headline of stories in the
readers' URL set (a revision, in a transaction, as the admin's form does)
and now and then unpublishes a story it published (services.unpublish).
After each save has committed it prints one line, ``WRITE_JSON {...}``: what
a request starting now must see, which bench/run.py checks at once.

    live_writer.py URLS.json SECONDS [INTERVAL]
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

import reversion  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from newsroom.editorial import services  # noqa: E402
from newsroom.models import Article, TaggedTopic, Topic  # noqa: E402

LIVE_PREFIX = "bench-live-"


def desk_editor():
    user, _ = get_user_model().objects.get_or_create(username="bench-live-editor", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def busiest_topics(n: int = 5) -> list[Topic]:
    ids = (
        TaggedTopic.objects.filter(article_status="published")
        .values("tag_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("tag_id", flat=True)[:n]
    )
    return list(Topic.objects.filter(pk__in=list(ids)))


def publish(user, topic: Topic, n: int) -> dict:
    headline = f"Bench live story {n} on {topic.name} {random.randint(0, 10**9)}"  # noqa: S311 - not a secret
    with transaction.atomic():
        article = Article.objects.create(
            headline=headline, slug=f"{LIVE_PREFIX}{n}-{time.time_ns()}", dek="Written during the live phase.",
            body="<p>A story published while readers load the site.</p>", language="en", created_by=user,
        )  # fmt: skip
        article.tags.add(topic)
    services.publish(article=article, user=user)
    topic_url = topic.get_absolute_url()
    return {
        "kind": "publish",
        "article_id": article.pk,
        "checks": [
            [article.get_absolute_url(), 200, headline],
            [topic_url, 200, headline],
            ["/", 200, headline],
        ],
    }


def edit(user, slug: str, n: int, originals: dict[int, str]) -> dict | None:
    article = Article.objects.filter(slug=slug).first()
    if article is None or not article.is_public:
        return None
    originals.setdefault(article.pk, article.headline)
    marker = f"(edit {n}-{random.randint(0, 10**9)})"  # noqa: S311 - not a secret
    with transaction.atomic(), reversion.create_revision():
        article.headline = f"{originals[article.pk][:170]} {marker}"
        article.save()
        reversion.set_user(user)
    return {"kind": "edit", "article_id": article.pk, "checks": [[article.get_absolute_url(), 200, marker]]}


def unpublish(user, article_id: int) -> dict | None:
    article = Article.objects.filter(pk=article_id).first()
    if article is None or not article.is_public:
        return None
    url = article.get_absolute_url()
    headline = article.headline
    topic_urls = [t.get_absolute_url() for t in article.tags.all()]
    services.unpublish(article=article, user=user)
    return {
        "kind": "unpublish",
        "article_id": article_id,
        # The page answers 404 and no list shows the headline any more.
        "checks": [[url, 404, None], *[[u, 200, "!" + headline] for u in topic_urls], ["/", 200, "!" + headline]],
    }


def main() -> None:
    urls = json.loads(Path(sys.argv[1]).read_text())
    seconds = float(sys.argv[2])
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
    slugs = [unquote(u.rstrip("/").rsplit("/", 1)[1]) for u in urls.get("article", {}).get("urls", [])]
    random.seed(7)
    user = desk_editor()
    topics = busiest_topics()
    published: list[int] = []
    originals: dict[int, str] = {}
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        started = time.monotonic()
        n += 1
        step = n % 4
        if step in (1, 3) and topics:
            result = publish(user, topics[n % len(topics)], n)
            published.append(result["article_id"])
        elif step == 2 and slugs:
            result = edit(user, random.choice(slugs), n, originals)  # noqa: S311 - not a secret
        else:
            result = unpublish(user, published.pop(0)) if published else None
        if result is not None:
            result["save_ms"] = round((time.monotonic() - started) * 1000, 1)
            sys.stdout.write("WRITE_JSON " + json.dumps(result) + "\n")
            sys.stdout.flush()
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    # Leave the data set as it was: the live stories go, headlines come back.
    Article.objects.filter(slug__startswith=LIVE_PREFIX).delete()
    for article in Article.objects.filter(pk__in=list(originals)):
        article.headline = originals[article.pk]
        article.save()


if __name__ == "__main__":
    main()
