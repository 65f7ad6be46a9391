"""What a story names, matched against the newsroom's own records: the
countries, people, organisations and agreements the story form suggests
while it is written (issue "The story form in fewer clicks").

No model is downloaded and nothing is guessed from outside the records: a
``Gazetteer`` holds every way the records can be written (their names and
aliases; for countries also the words of ``gazetteer.COUNTRY_WORDS``:
demonyms, capitals, abbreviations) as sequences of folded words, and
``Gazetteer.find`` walks the text once, taking at each word the longest
phrase that matches. Folding makes "Diaz Canel" match "Díaz-Canel"; case
is then checked where it tells words apart:

- acronyms match only as written ("UN", not the Spanish "un"; "US", not
  "us"), and so do names of two letters or fewer ("Xi", not "XI Pleno");
- names and English demonyms must start with a capital ("Rubio", not
  "tabaco rubio"; "China", not "china" the porcelain);
- Spanish demonyms match in any case ("cubanos", "Cubanos").

A few more rules keep out what only looks like a record: a country's name
that is also a first name ("Jordan", "Chad") does not count when another
capitalised word follows it; a person found by surname alone does not
count after another capitalised name ("Fidel Castro" is not "Raúl
Castro"); "en ruso" is a language. Agreements are found by title or alias,
or when a sentence names every party and enough of the title's own words.

How well this does is measured, not assumed: tests/data/suggestions holds
a labelling guide and a labelled set, and ``manage.py suggestions_score
--heldout`` prints precision and recall per kind on its held-out half.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsroom.core.text import fold
from newsroom.editorial import gazetteer

KINDS = ("countries", "people", "organizations", "agreements")

WORD = re.compile(r"\w+", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?;:]\s|\n")

# Capitalised words that may stand before a surname without being another
# person's given name ("President Putin", "Según Maduro").
TITLES = {
    fold(word)
    for line in (
        "president presidente presidenta mandatario mandataria canciller chancellor minister ministro",
        "ministra premier primer leader líder general gobernante ayatolá ayatollah señor señora mr mrs ms dr",
        "según the el la los las for and y e o or but pero when cuando while mientras after tras before",
        "antes dijo said says dice also también that que a an un una on en in with con to por by",
    )
    for word in line.split()
}

# Words of an agreement's title that say nothing about which one it is.
TITLE_STOPWORDS = {
    fold(word)
    for line in (
        "de del la las el los y e a en con para por sobre entre acuerdo acuerdos",
        "the of and to in on for with between a an agreement agreements",
    )
    for word in line.split()
}


@dataclass(frozen=True)
class Record:
    kind: str  # one of KINDS
    pk: int
    label: str


@dataclass(frozen=True)
class Phrase:
    record: Record
    written: tuple[str, ...]  # the words as the record writes them
    how: str  # "exact", "capital" or "any": how case is checked
    surname: bool = False  # a person's surname alone
    guard: bool = False  # an ambiguous single-word country name
    demonym: bool = False
    capital: bool = False
    language: str = ""  # "es" or "en" for a demonym: matched only in stories in that language


@dataclass
class Suggestion:
    record: Record
    found: list[str] = field(default_factory=list)  # the words as the text wrote them
    first: int = 0  # where it is first named (character offset)

    def as_dict(self) -> dict:
        return {"id": self.record.pk, "label": self.record.label, "found": self.found[:3], "count": len(self.found)}


def _words(text: str) -> list[str]:
    return WORD.findall(text)


def _is_acronym(words: tuple[str, ...]) -> bool:
    letters = "".join(words)
    return letters.isupper() and len(letters) <= 6


class Gazetteer:
    """Every way of writing the records, indexed by folded words."""

    def __init__(self):
        self.index: dict[tuple[str, ...], list[Phrase]] = {}
        self.longest = 1
        self.agreements: list[tuple[Record, frozenset, frozenset[str]]] = []
        self.agreements_of: dict[object, list[int]] = {}

    # -- building

    def add(self, record: Record, written: str, how: str | None = None, **flags) -> None:
        words = tuple(_words(written))
        if not words:
            return
        if how is None:
            if _is_acronym(words) or len("".join(words)) <= 2:
                how = "exact"
            elif written[:1].isupper():
                how = "capital"
            else:
                how = "any"
        key = tuple(fold(word) for word in words)
        phrases = self.index.setdefault(key, [])
        phrase = Phrase(record, words, how, **flags)
        if phrase not in phrases:
            phrases.append(phrase)
        self.longest = max(self.longest, len(key))

    def add_country(self, pk: int, iso2: str, names: Iterable[str], label: str = "") -> None:
        names = list(names)
        record = Record("countries", pk, label or (names[0] if names else iso2))
        others, spanish, english, capitals = gazetteer.COUNTRY_WORDS.get(iso2, ((), (), (), ()))
        for name in (*names, *others):
            self.add(record, name, guard=name in gazetteer.AMBIGUOUS_NAMES)
        for name in capitals:
            self.add(record, name, capital=True)
        for base in spanish:
            for form in gazetteer.spanish_forms(base):
                self.add(record, form, "any", demonym=True, language="es")
        for base in english:
            for form in gazetteer.english_forms(base):
                self.add(record, form, "capital", demonym=True, language="en")

    def add_person(self, pk: int, name: str, aliases: Iterable[str]) -> None:
        record = Record("people", pk, name)
        for written in (name, *aliases):
            self.add(record, written)
        for short in self._surnames(name, aliases):
            self.add(record, short, "capital", surname=True)

    @staticmethod
    def _surnames(name: str, aliases: Iterable[str]) -> list[str]:
        """The surname a story may use alone: the last word of a two-word
        name ("Ortega"); the first surname, and both, of a Spanish
        three-word name ("Marrero", "Marrero Cruz")."""
        words = name.split()
        if len(words) == 2:
            return [words[1]]
        if len(words) == 3 and all(word[:1].isupper() for word in words):
            return [words[1], f"{words[1]} {words[2]}"]
        return []

    def add_organization(self, pk: int, name: str, aliases: Iterable[str]) -> None:
        record = Record("organizations", pk, name)
        for written in (name, *aliases):
            self.add(record, written)

    def add_agreement(self, pk: int, title: str, aliases: Iterable[str], parties: Iterable[int]) -> None:
        record = Record("agreements", pk, title)
        for written in (title, *aliases):
            self.add(record, written, "any")
        self.agreements.append((record, frozenset(parties), (title, *aliases)))

    def finish(self) -> Gazetteer:
        """Drop surnames that two people share (alone, they name neither),
        and keep of each agreement's title the words that tell it apart:
        not the small words, not the countries (its parties say those)."""
        for key, phrases in self.index.items():
            people = {p.record for p in phrases if p.surname}
            if len(people) > 1:
                self.index[key] = [p for p in phrases if not p.surname]
        country_words = {
            key[0]
            for key, phrases in self.index.items()
            if len(key) == 1 and any(p.record.kind == "countries" for p in phrases)
        }
        self.agreements = [
            (
                record,
                parties,
                frozenset(
                    fold(word).rstrip("s")
                    for written in titles
                    for word in _words(written)
                    if len(word) > 2 and fold(word) not in TITLE_STOPWORDS and fold(word) not in country_words
                ),
            )
            for record, parties, titles in self.agreements
        ]
        # Each agreement under each of its parties: a sentence is checked
        # against the agreements of the countries it names, not all of them.
        self.agreements_of: dict[object, list[int]] = {}
        for index, (_, parties, _) in enumerate(self.agreements):
            for party in parties:
                self.agreements_of.setdefault(party, []).append(index)
        return self

    # -- matching

    def find(self, *texts: str, language: str = "") -> dict[str, list[Suggestion]]:
        """The records that ``texts`` (headline, dek, body as plain text)
        name, by kind, in the order they are first named. ``language``
        ("es", "en"; empty for either) keeps the other language's demonyms
        out: "china" in an English story is porcelain."""
        text = "\n".join(t for t in texts if t)
        matches = list(WORD.finditer(text))
        folded = [fold(m.group()) for m in matches]
        found: dict[Record, Suggestion] = {}
        country_spans: list[tuple[int, int, int]] = []  # (start, end, country pk)
        i = 0
        while i < len(matches):
            taken = 0
            for length in range(min(self.longest, len(matches) - i), 0, -1):
                phrases = self.index.get(tuple(folded[i : i + length]))
                if not phrases:
                    continue
                hits = [
                    p
                    for p in phrases
                    if (not language or not p.language or p.language == language)
                    and self._fits(p, text, matches, i, length)
                ]
                if not hits:
                    continue
                start, end = matches[i].start(), matches[i + length - 1].end()
                for phrase in hits:
                    suggestion = found.setdefault(phrase.record, Suggestion(phrase.record, first=start))
                    suggestion.found.append(text[start:end])
                    if phrase.record.kind == "countries":
                        country_spans.append((start, end, phrase.record.pk))
                    elif length > 1:
                        self._countries_inside(text, matches, folded, i, length, found, country_spans)
                taken = length
                break
            i += taken or 1
        self._agreements_by_description(text, folded, matches, country_spans, found)
        result: dict[str, list[Suggestion]] = {kind: [] for kind in KINDS}
        for suggestion in sorted(found.values(), key=lambda s: s.first):
            result[suggestion.record.kind].append(suggestion)
        return result

    def _countries_inside(self, text, matches, folded, i, length, found, country_spans) -> None:
        """A country named inside an organisation's or an agreement's name
        ("Banco Central de Cuba", "Russia–Iran treaty") is named too; a
        demonym inside one is not ("Organization of American States")."""
        for k in range(i, i + length):
            for size in range(min(self.longest, i + length - k), 0, -1):
                phrases = [
                    p
                    for p in self.index.get(tuple(folded[k : k + size]), ())
                    if p.record.kind == "countries" and not p.demonym and self._fits(p, text, matches, k, size)
                ]
                if phrases:
                    start, end = matches[k].start(), matches[k + size - 1].end()
                    for phrase in phrases:
                        suggestion = found.setdefault(phrase.record, Suggestion(phrase.record, first=start))
                        suggestion.found.append(text[start:end])
                        country_spans.append((start, end, phrase.record.pk))
                    break

    @staticmethod
    def _gap(text: str, matches, left: int, right: int) -> str:
        return text[matches[left].end() : matches[right].start()]

    def _fits(self, phrase: Phrase, text: str, matches, i: int, length: int) -> bool:
        written = [m.group() for m in matches[i : i + length]]
        if phrase.how == "exact" and tuple(written) != phrase.written:
            return False
        if phrase.how == "capital" and not written[0][:1].isupper():
            return False
        before = fold(matches[i - 1].group()) if i > 0 and not self._gap(text, matches, i - 1, i).strip() else ""
        if phrase.guard and i + length < len(matches):
            # "Jordan Peterson", "Chad Smith": a name, not the country.
            nxt = matches[i + length].group()
            if nxt[:1].isupper() and not self._gap(text, matches, i + length - 1, i + length).strip():
                return False
        if phrase.guard and before and i > 0 and matches[i - 1].group()[:1].isupper() and before not in TITLES:
            return False  # "Michael Jordan"
        key = fold(" ".join(written))
        if key in gazetteer.NOT_THE_COUNTRY_AFTER:
            two_before = (
                fold(matches[i - 2].group()) + " " + before if i > 1 and before else before
            )  # "state of", "estado de"
            preceding = fold(text[max(0, matches[i].start() - 20) : matches[i].start()])
            for word in gazetteer.NOT_THE_COUNTRY_AFTER[key]:
                if before == word or two_before.endswith(word) or preceding.rstrip(" ,").endswith(word):
                    return False
        if phrase.demonym and before in gazetteer.LANGUAGE_BEFORE and not fold(written[-1]).endswith("s"):
            return False  # "en ruso", "in Russian": a language
        if phrase.surname and i > 0:
            previous = matches[i - 1].group()
            adjacent = not self._gap(text, matches, i - 1, i).strip()
            if adjacent and previous[:1].isupper() and fold(previous) not in TITLES:
                return False  # "Fidel Castro", "Delcy Rodríguez": someone else
        return True

    def _agreements_by_description(self, text, folded, matches, country_spans, found) -> None:
        """An agreement named by what it is: two sentences running that name
        all its parties and a third of the words of its title that tell it
        from others (at least two; one, if its title has only one, such as
        a year)."""
        if not self.agreements:
            return
        bounds = [0, *(m.end() for m in SENTENCE_END.finditer(text)), len(text)]
        for left, right in zip(bounds, bounds[2:] or [len(text)], strict=False):
            countries = {pk for start, _, pk in country_spans if left <= start < right}
            if len(countries) < 2:
                continue
            words = {folded[k].rstrip("s") for k, m in enumerate(matches) if left <= m.start() < right}
            candidates = sorted({index for country in countries for index in self.agreements_of.get(country, ())})
            for record, parties, own in (self.agreements[index] for index in candidates):
                if record in found or not parties or not parties <= countries:
                    continue
                shared = len(own & words)
                if shared >= max(2, -(-len(own) // 3)) or (shared == 1 and len(own) == 1):
                    found[record] = Suggestion(record, found=[text[left:right].strip()[:80]], first=left)


# -- The newsroom's gazetteer -------------------------------------------------------

#: How long a process keeps its gazetteer: a record renamed in another
#: process is suggested by its new name within this time; in this process,
#: at once (``forget`` runs when a record is saved).
KEEP_SECONDS = 60
_kept: tuple[float, Gazetteer] | None = None
_lock = threading.Lock()


def from_db() -> Gazetteer:
    """The gazetteer of the records in the database (four queries)."""
    from alliances.models import Agreement, AgreementParty, Country, Organization, Person

    built = Gazetteer()
    for pk, iso2, name, name_en, name_es in Country.objects.values_list("pk", "iso2", "name", "name_en", "name_es"):
        built.add_country(pk, iso2, list(dict.fromkeys(n for n in (name_es, name_en, name) if n)), label=name)
    for pk, name, aliases in Person.objects.values_list("pk", "name", "aliases"):
        built.add_person(pk, name, aliases.splitlines())
    for pk, name, aliases in Organization.objects.values_list("pk", "name", "aliases"):
        built.add_organization(pk, name, aliases.splitlines())
    parties: dict[int, set[int]] = {}
    for agreement, country in AgreementParty.objects.values_list("agreement_id", "country_id"):
        parties.setdefault(agreement, set()).add(country)
    for pk, title, title_en in Agreement.objects.values_list("pk", "title", "title_en"):
        built.add_agreement(pk, title, [title_en] if title_en else [], parties.get(pk, ()))
    return built.finish()


def current() -> Gazetteer:
    global _kept
    with _lock:
        if _kept is None or time.monotonic() - _kept[0] > KEEP_SECONDS:
            _kept = (time.monotonic(), from_db())
        return _kept[1]


def forget(**kwargs) -> None:
    """Build the gazetteer again on next use (a record was saved)."""
    global _kept
    with _lock:
        _kept = None


def suggest(*, headline: str = "", dek: str = "", body: str = "", language: str = "") -> dict[str, list[dict]]:
    """The records a story names, by kind (``KINDS``), as the story form's
    panel shows them. ``body`` is the editor's HTML."""
    from django.utils.html import strip_tags

    plain = strip_tags(re.sub(r"<(/p|br|/h\d|/li|/blockquote)\b", "\n<\\1", body or ""))
    found = current().find(headline, dek, plain, language=language)
    return {kind: [s.as_dict() for s in found[kind]] for kind in KINDS}
