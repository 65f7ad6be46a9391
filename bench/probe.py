"""The benchmark's in-process half: everything that needs Django and the
database rather than HTTP. ``bench/run.py`` runs it as a child process with the
same environment it gives gunicorn, and reads one JSON object from stdout.

    probe.py count                 how many benchmark articles exist
    probe.py urls N                N URLs per page kind, as JSON
    probe.py measure URLS.json     status and queries per request per kind, search latency per band
    probe.py editor-save           save an article the way the admin would (for the Redis fault)
    probe.py photo-story           the address of a story with a photographic hero (made once)
"""

from __future__ import annotations

import itertools
import json
import math
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from alliances.models import Agreement, ArticleAgreement  # noqa: E402
from bench import search_mix  # noqa: E402
from bench.management.commands.bench_data import PREFIX  # noqa: E402
from newsroom.models import Article, TaggedCountry, TaggedTopic  # noqa: E402

DEEP_PAGE = 200
# Timed searches per band, in-process; each a query used nowhere else in the run.
SEARCH_RUNS = 100
# Search URLs for the HTTP phase, at least, in equal parts per band: wrk
# cycles through the list, so with enough of them no query repeats.
SEARCH_URLS = 3_000
QUERY_SAMPLE = 10


def url_for(name: str, fallback: str, **kwargs) -> str:
    """The route by its name; the path the spec promises if the route is not
    there yet (the page will then answer 404 and be reported as an error)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return fallback.format(**{k: quote(str(v)) for k, v in kwargs.items()})


def page_size() -> int:
    from newsroom.site import views

    return getattr(views, "PAGE_SIZE", 20)


def search_urls(n: int) -> dict:
    """The "search" kind: at least SEARCH_URLS distinct searches (``n`` if
    more), alternating between the bands of bench/search_mix.py, for the HTTP
    phase; and, apart from them, SEARCH_RUNS more per band for the timed
    in-process searches (``timing``), so that no query is searched twice in a
    run. ``bands`` describes the mix (see search_mix.describe)."""
    per_band = math.ceil(max(n, SEARCH_URLS) / len(search_mix.BANDS))
    mix = search_mix.build(per_band=per_band + SEARCH_RUNS)
    search = url_for("newsroom:search", "/search/")

    def url(query: search_mix.Query) -> str:
        return f"{search}?{urlencode({'q': query.text})}"

    timed = {band: [url(q) for q in queries[:SEARCH_RUNS]] for band, queries in mix.items()}
    rest = [[url(q) for q in queries[SEARCH_RUNS:]] for queries in mix.values()]
    urls = [u for row in itertools.zip_longest(*rest) for u in row if u is not None]
    short = [band for band, queries in mix.items() if len(queries) < per_band + SEARCH_RUNS]
    return {
        "urls": urls,
        "note": f"too few distinct queries in the data for: {', '.join(short)}" if short else "",
        "timing": timed,
        "bands": {
            band: {
                "count": len(queries),
                "examples": [q.text for q in queries[:5]],
                "languages": dict(Counter(q.language for q in queries)),
                "forms": dict(Counter(q.form for q in queries)),
            }
            for band, queries in mix.items()
        },
    }


def listing_urls(kind: str, link_model, route: str, fallback: str, n: int) -> dict:
    """Page 1 of the busiest tags, and page 200 of every tag that has one (or,
    in a small data set, the last page of the busiest tag, labelled so). The
    addresses are the default edition's, which lists the stories in its
    language: those are the ones counted."""
    listed = Article.objects.published().filter(language=settings.LANGUAGE_CODE)
    counts = list(
        link_model.objects.filter(content_object__in=listed)
        .values("tag__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")[:n]
    )
    size = page_size()
    first = [url_for(route, fallback, slug=row["tag__slug"]) for row in counts]
    deep_tags = [row for row in counts if row["n"] > (DEEP_PAGE - 1) * size]
    if deep_tags:
        deep, page, note = deep_tags, DEEP_PAGE, ""
    elif counts:
        page = max(1, math.ceil(counts[0]["n"] / size))
        deep, note = counts[:1], ""  # run.py labels the row with the page it got
    else:
        deep, page, note = [], DEEP_PAGE, f"no {kind} has public articles"
    paged = [url_for(route, fallback, slug=row["tag__slug"]) + f"?page={page}" for row in deep]
    return {
        f"{kind}_p1": {"urls": first, "note": ""},
        f"{kind}_p200": {"urls": paged, "note": note, "page": page},
    }


def people_urls(n: int) -> list[str]:
    """The pages of the people most written about in the default edition:
    the busiest lists, as the topic and country kinds measure."""
    listed = Article.objects.published().filter(language=settings.LANGUAGE_CODE)
    busiest = (
        Article.people.through.objects.filter(article__in=listed)
        .values("person__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")[:n]
    )
    return [url_for("alliances:person-detail", "/people/{slug}/", slug=row["person__slug"]) for row in busiest]


def api_list_urls(n: int) -> list[str]:
    """The API's article list: its first page, and the first page under the
    filters of the countries and topics with the most public stories."""
    listed = Article.objects.published()
    urls = [url_for("api:article-list", "/api/v1/articles/")]
    for name, link_model in (("country", TaggedCountry), ("topic", TaggedTopic)):
        busiest = (
            link_model.objects.filter(content_object__in=listed)
            .values("tag__slug")
            .annotate(n=Count("pk"))
            .order_by("-n")[: max(1, n // 2)]
        )
        urls += [f"{urls[0]}?{name}={row['tag__slug']}" for row in busiest]
    return urls


def photo_story() -> dict:
    """A story with a 2,400 px photographic hero and its renditions, for the
    phone page weight (bench/weight.py): made once, dated long ago so that
    it moves no list the other kinds measure."""
    from datetime import UTC, datetime

    from django.core.files.base import ContentFile

    from newsroom.demo.image import photograph_jpeg
    from newsroom.stored import renditions

    slug = f"{PREFIX}photo-story"
    story = Article.objects.filter(slug=slug).first()
    if story is None:
        model = Article.objects.published().filter(slug__startswith=PREFIX, language="es").order_by("pk").first()
        if model is None:
            return {"error": "no benchmark article to model the story on"}
        story = Article.objects.get(pk=model.pk)
        story.pk, story.slug, story.translation_key = None, slug, None
        story.published_at = datetime(2001, 1, 1, tzinfo=UTC)
        story.image_alt = "A crowded square"
        story.save()
        story.image.save("bench-photo.jpg", ContentFile(photograph_jpeg()))
    renditions.refresh([story.pk])
    story.refresh_from_db()
    return {"path": story.get_absolute_url(), "renditions": story.image_renditions}


def pick_urls(n: int) -> dict:
    # Articles whose related box is ranked: in a data set whose ranking was
    # cut short, one never ranked would be measured without its box.
    ranked = Article.objects.published().exclude(related=[])
    picked = list(ranked.order_by("?").values_list("pk", "slug")[:n])
    slugs = [slug for _pk, slug in picked]
    covered = ArticleAgreement.objects.filter(article__in=Article.objects.published()).values("agreement_id")
    agreements = list(Agreement.objects.filter(pk__in=covered).order_by("?").values_list("slug", flat=True)[:n])
    kinds = {
        "health": {"urls": [os.environ.get("BENCH_FLOOR_URL") or url_for("health", "/health/")], "note": ""},
        "article": {"urls": [url_for("newsroom:article-detail", "/articles/{slug}/", slug=s) for s in slugs]},
        **listing_urls("topic", TaggedTopic, "newsroom:topic-detail", "/topics/{slug}/", n),
        **listing_urls("country", TaggedCountry, "alliances:country-detail", "/countries/{slug}/", n),
        "agreement": {
            "urls": [url_for("alliances:agreement-detail", "/agreements/{slug}/", slug=s) for s in agreements]
        },
        "home": {"urls": [url_for("newsroom:home", "/")]},
        "person": {"urls": people_urls(n), "note": ""},
        "search": search_urls(n),
        "feed": {"urls": [url_for("newsroom:feed", "/feed/")]},
        # The API (issue 23): the same stories' JSON, and the article list
        # plain and under the busiest countries' and topics' filters.
        "api_article": {"urls": [url_for("api:article-detail", "/api/v1/articles/{pk}/", pk=pk) for pk, _ in picked]},
        "api_list": {"urls": api_list_urls(n)},
    }
    for kind in kinds.values():
        kind.setdefault("note", "")
    return kinds


def measure(url_file: str) -> dict:
    """Per kind: the status of a request and the queries it ran, over up to
    QUERY_SAMPLE of its URLs (pages of one kind may differ: an article whose
    first related stories were unpublished reads one more list). The first
    URL warms per-process caches (content types, templates) and is not
    counted. Each page is read twice: with a page cache the second read
    should cost (almost) no queries."""
    kinds = json.loads(Path(url_file).read_text())
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    out: dict = {"kinds": {}, "page_cache_setting": getattr(settings, "PAGE_CACHE_ENABLED", None)}
    for kind, info in kinds.items():
        urls = info["urls"]
        if not urls:
            out["kinds"][kind] = {"status": None, "queries": None}
            continue
        client.get(urls[0])
        sample = urls[1 : QUERY_SAMPLE + 1] if len(urls) > 1 and kind not in {"home", "feed", "health"} else urls[:1]
        statuses, first, repeat = set(), [], []
        for url in sample:
            with CaptureQueriesContext(connection) as queries:
                statuses.add(client.get(url).status_code)
            with CaptureQueriesContext(connection) as again:
                client.get(url)
            first.append(len(queries))
            repeat.append(len(again))
        out["kinds"][kind] = {
            "status": 200 if statuses == {200} else max(statuses),
            "queries": round(statistics.median(first)),
            "queries_range": [min(first), max(first)],
            "queries_repeat": round(statistics.median(repeat)),
            "queries_repeat_range": [min(repeat), max(repeat)],
            "urls_counted": len(sample),
        }
    timing = kinds.get("search", {}).get("timing")
    if timing:
        out["search"] = time_searches(client, timing)
    return out


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least
    ``share`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def searched(url: str) -> str:
    return parse_qs(urlsplit(url).query)["q"][0]


def time_searches(client: Client, timing: dict[str, list[str]]) -> dict:
    """The full request of every search in ``timing`` ({band: [URL]}), each
    once, the bands taking turns so that a slower spell of the machine
    weighs on all of them alike."""
    timings: dict[str, list[float]] = {band: [] for band in timing}
    statuses, order = set(), []
    for row in itertools.zip_longest(*[[(band, u) for u in urls] for band, urls in timing.items()]):
        for band, url in filter(None, row):
            order.append(url)
            started = time.perf_counter()
            response = client.get(url)
            timings[band].append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
    every = [t for values in timings.values() for t in values]
    if not every:
        return {}
    return {
        "median_ms": round(statistics.median(every), 2),
        "p90_ms": round(percentile(every, 0.9), 2),
        "runs": len(every),
        "statuses": sorted(statuses),
        "terms": order[:5],
        "bands": {
            band: {
                "median_ms": round(statistics.median(values), 2),
                "p95_ms": round(percentile(values, 0.95), 2),
                "runs": len(values),
                "examples": [searched(u) for u in timing[band][:5]],
                "queries": [searched(u) for u in timing[band]],
            }
            for band, values in timings.items()
            if values
        },
    }


def editor_save() -> dict:
    """Change and save a benchmark article as the admin would, including the
    after-commit hooks (page-cache invalidation) that talk to Redis."""
    article = Article.objects.filter(slug__startswith=PREFIX).order_by("pk").first()
    if article is None:
        return {"ok": False, "error": "no benchmark article"}
    try:
        with transaction.atomic():
            article.full_clean()
            article.save()
    except Exception as exc:  # noqa: BLE001 - the outcome, whatever it is, is what this phase reports
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True}


def main() -> None:
    command = sys.argv[1]
    if command == "count":
        result = {"articles": Article.objects.filter(slug__startswith=PREFIX).count()}
    elif command == "photo-story":
        result = photo_story()
    elif command == "urls":
        result = pick_urls(int(sys.argv[2]))
    elif command == "measure":
        result = measure(sys.argv[2])
    elif command == "editor-save":
        result = editor_save()
    else:
        raise SystemExit(f"unknown command {command}")
    sys.stdout.write("PROBE_JSON " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
