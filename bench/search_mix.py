"""The search benchmark's queries: a realistic mix drawn from the benchmark
data itself, rather than a handful of rare place names.

Candidates come from the generator's vocabularies (sentence parts, topics,
place names, countries in both languages) and from stored headlines: single
words, two and three words that must all match, and quoted phrases, in
Spanish and in English. Each candidate's document frequency is measured in
the database with the site's own matching (``matching_articles``), and the
candidate goes to its band by the share of public articles it finds:

    rare    under 0.1%
    mid     0.1% to 3%
    common  over 3% ("Cuba" always among them)

Candidates that find nothing are dropped: a reader searches for what the
archive is about. The mix is a function of the data and the seed alone.

Importing this module needs neither Django settings nor a database (only
newsroom.core.text, which is pure), so bench/run.py can use BANDS and
``describe`` in its report; the functions that read the data import what
they need when called.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import asdict, dataclass

from newsroom.core.text import fold

# Upper bound of each band, as a share of the public articles.
BANDS = {"rare": 0.001, "mid": 0.03, "common": 1.0}
BAND_LABELS = {"rare": "in under 0.1% of articles", "mid": "in 0.1% to 3%", "common": "in over 3%"}
# Always measured, whatever the seed: the word readers of a Cuban site type most.
ANCHOR = "Cuba"
# The share of Spanish queries typed folded ("energia" for "energía").
UNACCENTED_SHARE = 0.2
_WORD = re.compile(r"[^\W\d_]+")
_NOT_A_WORD = re.compile(r"[{}\d]")
# A query's words are at least this long: shorter ones are mostly stop words.
_MIN_WORD = 4


def band_of(share: float) -> str:
    """The band of a query found in ``share`` of the public articles."""
    return next(name for name, upper in BANDS.items() if share < upper or name == "common")


@dataclass(frozen=True)
class Query:
    text: str
    band: str
    language: str  # "es" or "en"
    form: str  # "word", "words" (all must match) or "phrase"
    matches: int  # counted only as far as its band needed

    def as_dict(self) -> dict:
        return asdict(self)


def describe(bands: dict) -> str:
    """One sentence for a report, from ``{band: {"count" or "runs": n,
    "examples": [...]}}`` as probe.py writes it."""
    parts = []
    for name in BANDS:
        info = bands.get(name) or {}
        n = info.get("runs", info.get("count", 0))
        examples = ", ".join(f"“{q}”" for q in info.get("examples", [])[:3])
        parts.append(f"{n} {name} ({BAND_LABELS[name]}{'; e.g. ' + examples if examples else ''})")
    return "Distinct queries per band: " + "; ".join(parts) + "."


# --- Candidates --------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if len(w) >= _MIN_WORD]


def _spans(text: str) -> list[str]:
    """Runs of two and three words of ``text`` (placeholders excluded) that
    begin and end with a real word, as a reader would quote them."""
    tokens = [t for t in text.replace(".", " ").replace(":", " ").split() if not _NOT_A_WORD.search(t)]
    spans = []
    for size in (2, 3):
        for start in range(len(tokens) - size + 1):
            words = tokens[start : start + size]
            if len(words[0]) >= _MIN_WORD and len(words[-1]) >= _MIN_WORD:
                spans.append(" ".join(words))
    return spans


@dataclass
class _Vocabulary:
    words: set[str]
    phrases: set[str]

    def add_name(self, name: str) -> None:
        """A name of several words is searched as a phrase ("Puerto Padre")."""
        (self.phrases if " " in name.strip() else self.words).add(name.strip())


def vocabularies(headlines: list[tuple[str, str]], countries: list[tuple[str, str]]) -> dict[str, _Vocabulary]:
    """Per language, the single words and the phrases queries are made of:
    the generator's vocabularies, the country names in that language, and
    the words and runs of words of the stored ``headlines`` (text, language)."""
    from bench.management.commands import bench_data as data

    vocab = {lang: _Vocabulary(set(), set()) for lang in ("es", "en")}
    for lang, parts in data.PHRASES.items():
        for text in (item for part in parts for item in part):
            vocab[lang].words.update(_words(text))
            vocab[lang].phrases.update(_spans(text))
    for name in [*data.TOPIC_SUBJECTS, *data.SECTOR_NAMES]:
        vocab["en"].add_name(name)
    # Place names are Spanish whatever the article's language.
    for name in data.SELECTIVE_TERMS:
        vocab["es"].add_name(name)
    for name, name_es in countries:
        vocab["en"].add_name(name)
        vocab["es"].add_name(name_es or name)
    for text, lang in headlines:
        vocab[lang].words.update(_words(text))
        vocab[lang].phrases.update(_spans(text))
    return vocab


def candidates(vocab: dict[str, _Vocabulary], rng: random.Random, combinations: int):
    """(text, language, form) candidates in a seeded order, the four kinds
    taking turns so that each band gets its share of every kind the data
    allows: single words, quoted phrases (each once), and ``combinations``
    random pairs and as many triples of words of one language."""
    singles = [(text, lang, "word") for lang in sorted(vocab) for text in sorted(vocab[lang].words)]
    phrases = [(text, lang, "phrase") for lang in sorted(vocab) for text in sorted(vocab[lang].phrases)]
    rng.shuffle(singles)
    rng.shuffle(phrases)
    pools = {lang: sorted(vocab[lang].words) for lang in sorted(vocab)}

    def combined(size: int):
        for _ in range(combinations):
            lang = rng.choice(["es", "es", "en"])  # the archive is mostly Spanish
            yield " ".join(rng.sample(pools[lang], size)), lang, "words"

    streams = [iter(singles), iter(phrases), combined(2), combined(3)]
    while streams:
        for stream in list(streams):
            candidate = next(stream, None)
            if candidate is None:
                streams.remove(stream)
                continue
            text, lang, form = candidate
            # Readers often type Spanish in lower case and without accents.
            typed = fold(text) if lang == "es" and rng.random() < UNACCENTED_SHARE else text
            yield (f'"{typed}"' if form == "phrase" else typed), lang, form


# --- The mix -------------------------------------------------------------------


def build(*, per_band: int, seed: int = 7, headline_sample: int = 2_000, max_tries: int | None = None) -> dict:
    """Up to ``per_band`` distinct queries in each band, ``{band: [Query]}``,
    in a seeded order, "Cuba" first among the common ones. Stops trying after
    ``max_tries`` candidates (by default 25 per query wanted): a small data
    set may not fill every band."""
    from alliances.models import Country
    from newsroom.discovery.search import matching_articles
    from newsroom.models import Article

    public = Article.objects.published().count()
    if not public:
        return {name: [] for name in BANDS}
    # Counting stops where the band is known: first just past the rare
    # band's ceiling (cheap, and enough for most candidates once the common
    # and mid bands are full), then just past the common band's floor.
    # Counting every match of a common word would cost more than the mix.
    caps = [math.ceil(public * BANDS["rare"]), int(public * BANDS["mid"]) + 1]

    def measured(text: str, lang: str, form: str, wanted: set[str]) -> Query | None:
        found = 0
        for cap in caps:
            # Unordered: "the first cap matches in time order" could walk the
            # archive newest first, reading each article's vector.
            found = matching_articles(text).order_by()[:cap].count()
            if found < cap or not wanted - {"rare"}:
                break
        if not found:
            return None
        query = Query(text, band_of(found / public), lang, form, found)
        return query if query.band in wanted else None

    rng = random.Random(seed)
    headlines = list(Article.objects.published().order_by("pk").values_list("headline", "language")[:headline_sample])
    countries = list(Country.objects.order_by("pk").values_list("name", "name_es"))
    vocab = vocabularies([(text, lang if lang == "es" else "en") for text, lang in headlines], countries)

    bands: dict[str, list[Query]] = {name: [] for name in BANDS}
    anchor = measured(ANCHOR, "es", "word", set(BANDS))
    seen = {ANCHOR.casefold()}
    if anchor:
        bands[anchor.band].append(anchor)
    limit = max_tries if max_tries is not None else 25 * per_band * len(BANDS)
    for tries, (text, lang, form) in enumerate(candidates(vocab, rng, combinations=limit)):
        if tries >= limit or all(len(found) >= per_band for found in bands.values()):
            break
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        query = measured(text, lang, form, {name for name, found in bands.items() if len(found) < per_band})
        if query:
            bands[query.band].append(query)
    return bands
