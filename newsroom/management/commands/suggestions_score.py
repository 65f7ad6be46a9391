"""manage.py suggestions_score: how well the story form's suggestions match
what a careful editor labels, per kind of record.

It reads the labelled paragraphs of tests/data/suggestions (see GUIDE.md
there): the development half by default, the held-out half with
``--heldout`` (written by someone who had not seen the matcher; the figures
the issue asks for). The records are the countries the database is seeded
with (alliances migration 0003) and the people, organisations and
agreements of records.json, so no database is needed. ``--misses`` prints
each wrong or missing suggestion.

Precision is the share of suggestions that the labels hold; recall, the
share of labels that were suggested. Counted per paragraph and record.
"""

from __future__ import annotations

import importlib
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from newsroom.editorial.suggestions import KINDS, Gazetteer

DATA = Path(settings.BASE_DIR) / "tests" / "data" / "suggestions"
TARGETS = {"countries": (0.90, 0.85), "people": (0.90, 0.85), "organizations": (0.90, 0.85)}


def records_gazetteer(records: dict) -> Gazetteer:
    """The gazetteer of the seeded countries (keyed by ISO code) and of
    records.json (keyed by name or title)."""
    seed = importlib.import_module("alliances.migrations.0003_seed_countries")
    built = Gazetteer()
    for row in seed.country_rows():
        names = list(dict.fromkeys(n for n in (row["name_es"], row["name_en"], row["name"]) if n))
        built.add_country(row["iso2"], row["iso2"], names)
    for person in records["people"]:
        built.add_person(person["name"], person["name"], person["aliases"])
    for organization in records["organizations"]:
        built.add_organization(organization["name"], organization["name"], organization["aliases"])
    for agreement in records["agreements"]:
        built.add_agreement(agreement["title"], agreement["title"], agreement["aliases"], agreement["parties"])
    return built.finish()


def score(paragraphs: list[dict], built: Gazetteer, misses: list[str] | None = None) -> dict[str, dict]:
    counts = {kind: {"right": 0, "suggested": 0, "labelled": 0} for kind in KINDS}
    for paragraph in paragraphs:
        found = built.find(paragraph["text"], language=paragraph["language"])
        for kind in KINDS:
            suggested = {s.record.pk for s in found[kind]}
            labelled = set(paragraph.get(kind, []))
            counts[kind]["right"] += len(suggested & labelled)
            counts[kind]["suggested"] += len(suggested)
            counts[kind]["labelled"] += len(labelled)
            if misses is not None:
                for pk in sorted(suggested - labelled, key=str):
                    words = next(s.found for s in found[kind] if s.record.pk == pk)
                    misses.append(f"{paragraph['id']} {kind}: suggested {pk} for {words[:2]}")
                for pk in sorted(labelled - suggested, key=str):
                    misses.append(f"{paragraph['id']} {kind}: missed {pk}")
    for c in counts.values():
        c["precision"] = c["right"] / c["suggested"] if c["suggested"] else 1.0
        c["recall"] = c["right"] / c["labelled"] if c["labelled"] else 1.0
    return counts


class Command(BaseCommand):
    help = "Precision and recall of the story form's suggestions on the labelled paragraphs."

    def add_arguments(self, parser):
        parser.add_argument("--heldout", action="store_true", help="score the held-out half (heldout.json)")
        parser.add_argument("--misses", action="store_true", help="print each wrong or missing suggestion")

    def handle(self, *args, heldout: bool, misses: bool, **options):
        records = json.loads((DATA / "records.json").read_text())
        name = "heldout.json" if heldout else "dev.json"
        paragraphs = json.loads((DATA / name).read_text())
        started = time.perf_counter()
        built = records_gazetteer(records)
        built_ms = (time.perf_counter() - started) * 1000
        wrong: list[str] | None = [] if misses else None
        started = time.perf_counter()
        counts = score(paragraphs, built, wrong)
        per_paragraph = (time.perf_counter() - started) * 1000 / len(paragraphs)
        self.stdout.write(f"{name}: {len(paragraphs)} paragraphs")
        self.stdout.write(f"{'kind':<14}{'precision':>10}{'recall':>8}{'suggested':>11}{'labelled':>10}  target")
        for kind in KINDS:
            c = counts[kind]
            target = TARGETS.get(kind)
            verdict = "no target"
            if target:
                met = c["precision"] >= target[0] and c["recall"] >= target[1]
                verdict = f">= {target[0]:.2f} / {target[1]:.2f}: {'met' if met else 'NOT MET'}"
            figures = f"{c['precision']:>10.3f}{c['recall']:>8.3f}{c['suggested']:>11}{c['labelled']:>10}"
            self.stdout.write(f"{kind:<14}{figures}  {verdict}")
        self.stdout.write(f"gazetteer built in {built_ms:.0f} ms; {per_paragraph:.2f} ms a paragraph")
        for line in wrong or []:
            self.stdout.write(line)
