"""What each of the site's middleware classes costs a request, in-process.

For each page (a /health/ request, an article, a topic page), times the
request through the site's full middleware, then with each class left out
in turn; a class's share is what leaving it out saves. Run with the same
environment as the site (DATABASE_URL of a benchmark database):

    .venv/bin/python bench/middleware_cost.py [REQUESTS]

In-process timing leaves out gunicorn and the network, so the shares are of
Django's part of a request. A class the page cannot do without (the page
cache on a hit) is still timed: leaving it out shows what it does.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from newsroom.models import Article, TaggedTopic  # noqa: E402

# Classes that cannot run without another: left out with it.
NEEDS = {
    "django.contrib.sessions.middleware.SessionMiddleware": {
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "axes.middleware.AxesMiddleware",
    },
    "django.contrib.auth.middleware.AuthenticationMiddleware": {"axes.middleware.AxesMiddleware"},
}


def pages() -> dict[str, str]:
    article = Article.objects.published().order_by("-published_at").first()
    link = TaggedTopic.objects.filter(article_status="published").select_related("tag").first()
    found = {"health": "/health/"}
    if article is not None:
        found["article"] = article.get_absolute_url()
    if link is not None:
        found["topic"] = link.tag.get_absolute_url()
    return found


def time_requests(middleware: list[str], url: str, n: int) -> float:
    """Median microseconds of ``n`` requests for ``url`` (after 20 to warm up)."""
    with override_settings(MIDDLEWARE=middleware):
        client = Client(HTTP_HOST="127.0.0.1")
        for _ in range(20):
            client.get(url)
        timings = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1e6)
    return statistics.median(timings)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    full = list(settings.MIDDLEWARE)
    rows = []
    for name, url in pages().items():
        whole = time_requests(full, url, n)
        rows.append((name, "all middleware", whole, 100.0))
        for cls in full:
            left_out = {cls} | NEEDS.get(cls, set())
            without = time_requests([c for c in full if c not in left_out], url, n)
            label = cls + (f" (with {', '.join(sorted(c.rsplit('.', 1)[1] for c in left_out - {cls}))})"
                           if left_out - {cls} else "")  # fmt: skip
            rows.append((name, label, whole - without, (whole - without) / whole * 100))
    print(f"| page | middleware | µs per request | share of the request (page cache {settings.PAGE_CACHE_ENABLED}) |")
    print("|---|---|---:|---:|")
    for name, cls, micro, share in rows:
        print(f"| {name} | {cls} | {micro:,.0f} | {share:.1f}% |")


if __name__ == "__main__":
    main()
