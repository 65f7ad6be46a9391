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


def client_for(middleware: list[str]) -> Client:
    """A test client whose handler runs ``middleware`` (loaded on its first
    request, under that setting)."""
    client = Client(HTTP_HOST="127.0.0.1")
    with override_settings(MIDDLEWARE=middleware):
        client.get("/health/")
    return client


def median_micros(client: Client, url: str, n: int) -> float:
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1e6)
    return statistics.median(timings)


def cost(full: Client, without: Client, url: str, n: int, rounds: int = 5) -> tuple[float, float]:
    """The median time with all middleware and the median saved by leaving
    some out, the two taking turns in ``rounds`` so a slow spell of the
    machine falls on both."""
    for client in (full, without):
        median_micros(client, url, 10)  # warm
    wholes, savings = [], []
    for _ in range(rounds):
        whole = median_micros(full, url, n // rounds)
        wholes.append(whole)
        savings.append(whole - median_micros(without, url, n // rounds))
    return statistics.median(wholes), statistics.median(savings)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    full = list(settings.MIDDLEWARE)
    rows = []
    everything = client_for(full)
    for name, url in pages().items():
        measured = []
        for cls in full:
            left_out = {cls} | NEEDS.get(cls, set())
            whole, saved = cost(everything, client_for([c for c in full if c not in left_out]), url, n)
            label = cls + (f" (with {', '.join(sorted(c.rsplit('.', 1)[1] for c in left_out - {cls}))})"
                           if left_out - {cls} else "")  # fmt: skip
            measured.append((name, label, saved, saved / whole * 100))
        whole = median_micros(everything, url, n)
        rows += [(name, "all middleware (the whole request)", whole, 100.0), *measured]
    print(f"| page | middleware | µs per request | share of the request (page cache {settings.PAGE_CACHE_ENABLED}) |")
    print("|---|---|---:|---:|")
    for name, cls, micro, share in rows:
        print(f"| {name} | {cls} | {micro:,.0f} | {share:.1f}% |")


if __name__ == "__main__":
    main()
