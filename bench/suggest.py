"""What the story form's suggestions cost (issue "The story form in fewer
clicks"): ``.venv/bin/python bench/suggest.py``.

Against the benchmark's archive (``DATABASE_URL``, default the page
benchmark's postgres://postgres@127.0.0.1:5432/newsroom_bench, made by
``manage.py bench_data``), it times:

* building the gazetteer from every country, person, organisation and
  agreement in the database (what a process does once a minute, or after a
  record is saved);
* ``suggestions.suggest()`` on stories of 1,500 words (``--runs``, default
  200), each made of paragraphs of benchmark articles with the names of
  records worked in, so the matcher has something to find: the panel's
  request without HTTP. Target: p95 under 50 ms.

Nothing is written to the database. Results: bench/results/suggest.md and
suggest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench")
os.environ.setdefault("SECRET_KEY", "bench-suggest-not-secret")

import django  # noqa: E402

django.setup()

from alliances.models import Agreement, Country, Organization, Person  # noqa: E402
from newsroom.core.text import body_text  # noqa: E402
from newsroom.editorial import suggestions  # noqa: E402
from newsroom.models import Article  # noqa: E402

RESULTS = ROOT / "bench" / "results"
WORDS = 1500
TARGET_P95_MS = 50


def story(rng: random.Random, bodies: list[str], names: list[str]) -> str:
    """About WORDS words of benchmark prose, with a record's name every
    sixty words or so, as HTML paragraphs."""
    words: list[str] = []
    while len(words) < WORDS:
        words.extend(body_text(rng.choice(bodies)).split())
        words.append(rng.choice(names))
    words = words[:WORDS]
    paragraphs = [" ".join(words[i : i + 120]) for i in range(0, len(words), 120)]
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(20261207)

    started = time.perf_counter()
    suggestions.forget()
    suggestions.current()
    build_ms = (time.perf_counter() - started) * 1000

    bodies = list(Article.objects.order_by("?").values_list("body", flat=True)[:200])
    names = [
        *Country.objects.values_list("name_es", flat=True)[:250],
        *Person.objects.values_list("name", flat=True)[:200],
        *Organization.objects.values_list("name", flat=True)[:200],
        *Agreement.objects.values_list("title", flat=True)[:50],
    ]
    stories = [story(rng, bodies, names) for _ in range(args.runs)]
    timings, found = [], []
    for body in stories:
        started = time.perf_counter()
        result = suggestions.suggest(headline="", dek="", body=body, language="es")
        timings.append((time.perf_counter() - started) * 1000)
        found.append(sum(len(items) for items in result.values()))
    records = {
        "countries": Country.objects.count(),
        "people": Person.objects.count(),
        "organizations": Organization.objects.count(),
        "agreements": Agreement.objects.count(),
    }
    results = {
        "words": WORDS,
        "runs": args.runs,
        "records": records,
        "gazetteer_build_ms": round(build_ms, 1),
        "suggest_p50_ms": round(statistics.median(timings), 2),
        "suggest_p95_ms": round(percentile(timings, 0.95), 2),
        "suggest_max_ms": round(max(timings), 2),
        "records_found_per_story": round(statistics.mean(found), 1),
        "target_p95_ms": TARGET_P95_MS,
        "met": percentile(timings, 0.95) < TARGET_P95_MS,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "suggest.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# What the story form's suggestions cost",
        "",
        f"Records: {', '.join(f'{n:,} {kind}' for kind, n in records.items())}.",
        f"Gazetteer built in {results['gazetteer_build_ms']} ms (once a minute per process, or after a save).",
        "",
        f"`suggest()` on {args.runs} stories of {WORDS:,} words, {results['records_found_per_story']} records found "
        "in each on average:",
        "",
        "| p50 | p95 | worst | target (p95) |",
        "|---:|---:|---:|---:|",
        f"| {results['suggest_p50_ms']} ms | {results['suggest_p95_ms']} ms | {results['suggest_max_ms']} ms "
        f"| < {TARGET_P95_MS} ms: {'met' if results['met'] else 'NOT MET'} |",
        "",
    ]
    (RESULTS / "suggest.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
