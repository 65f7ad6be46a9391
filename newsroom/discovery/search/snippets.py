"""Search result snippets: a piece of each result's body with the query's
words marked, and the safe HTML they become."""

from __future__ import annotations

import html
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsroom.core.text import body_text
from newsroom.discovery.search.query import UNWANTED
from newsroom.models import Article
from newsroom.stored.search_vector import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
)

_START, _STOP = HIGHLIGHT_START, HIGHLIGHT_STOP


# --- Snippets --------------------------------------------------------------


def highlight_html(marked: str, *, unescape: bool = True) -> SafeString:
    """Safe HTML from text whose highlighted words sit between the private
    _START/_STOP markers: everything is escaped, then only balanced markers
    become <mark> elements. ``unescape`` first turns entities left in the text
    (from a stored body) back into characters, so they are not escaped twice."""
    out, open_mark = [], False
    for part in re.split(f"([{_START}{_STOP}])", " ".join(marked.split())):
        if part == _START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == _STOP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            text = html.unescape(part) if unescape else part
            out.append(escape(UNWANTED.sub("", text)))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text went through escape()


# What an unaccented letter stands for when a stem is looked for in text.
_ACCENTED = {
    "a": "aáàâäãå",
    "e": "eéèêë",
    "i": "iíìîï",
    "o": "oóòôöõ",
    "u": "uúùûü",
    "n": "nñ",
    "c": "cç",
    "y": "yýÿ",
}


def stem_pattern(stems: list[str]) -> re.Pattern | None:
    """A regular expression for a word of text (any case, accents or not)
    that begins with one of ``stems``. English stems may end in "i" where
    the word has "y" (country: countri)."""
    alternatives = []
    for stem in sorted(set(stems), key=len, reverse=True):
        for variant in [stem] + ([stem[:-1] + "y"] if stem.endswith("i") else []):
            alternatives.append("".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else re.escape(c) for c in variant))
    if not alternatives:
        return None
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\w*", re.IGNORECASE)


def _tokens(text: str) -> list[str]:
    """The words of ``text`` as a snippet counts them: runs of anything but
    whitespace, control characters and our highlight markers."""
    return UNWANTED.sub(" ", text).split()


def _lead_in(text: str, at: int, count: int) -> tuple[str, list[str], bool]:
    """For a match at ``at``: the part of its word before it (as "(" in
    "(Cuba"), the ``count`` words before that word, and whether more words
    come before them. Reads back from ``at`` only as far as it must."""
    reach = 16 * (count + 1)
    while True:
        begin = max(0, at - reach)
        window = UNWANTED.sub(" ", text[begin:at])
        words = window.split()
        glue = words.pop() if window and not window[-1].isspace() else ""
        if begin > 0:
            words = words[1:]  # the window may have cut its first word
        if len(words) > count or begin == 0:
            return glue, (words[max(0, len(words) - count) :] if count else []), len(words) > count
        reach *= 4


def _words_from(text: str, at: int, count: int) -> tuple[list[str], bool]:
    """The first ``count`` words from ``at`` on, and whether more follow."""
    reach = 16 * (count + 1)
    while True:
        end = at + reach
        words = _tokens(text[at:end])
        if end < len(text):
            words = words[:-1]  # the window may have cut its last word
        if len(words) > count or end >= len(text):
            return words[:count], len(words) > count
        reach *= 4


def python_snippet(body_html: str, pattern: re.Pattern | None, size: int = 30, lead: int = 8) -> str:
    """About ``size`` words of the body, from ``lead`` words before the
    first word ``pattern`` finds (or from the start), with every such word
    marked.

    Only the words around the first match are split out of the text: a body
    has hundreds, and splitting and rejoining all of them was most of the
    cost of a page of results. Whitespace, control characters and the
    highlight markers all separate words, so the match found in the raw
    text is the one the cleaned text would give."""
    text = body_text(body_html)
    hit = pattern.search(text) if pattern else None
    before, cut = [], False
    at = 0
    if hit:
        glue, before, cut = _lead_in(text, hit.start(), lead - 1)
        at = hit.start() - len(glue)
    after, more = _words_from(text, at, size - len(before))
    snippet = " ".join(before + after)
    if not snippet:
        return ""
    if pattern:
        snippet = pattern.sub(lambda match: f"{_START}{match.group()}{_STOP}", snippet)
    return ("… " if cut else "") + snippet + (" …" if more else "")


def add_snippets(articles: list[Article], stems: list[str]) -> None:
    """Give each article a ``snippet``: safe HTML, a piece of its body with
    the query's words in <mark>.

    Written in Python from the body, the query's words and their stems
    (query_stems), not by PostgreSQL's ts_headline: that parses and stems
    the whole body of every result (most of a search's time, see
    bench/README.md), where this reads the text once with a regular
    expression. The highlighted words are the ones beginning with
    a stem, which is how PostgreSQL matched them."""
    ids = [a.pk for a in articles]
    if not ids:
        return
    pattern = stem_pattern(stems)
    bodies = dict(Article.objects.published().filter(pk__in=ids).values_list("pk", "body"))
    for article in articles:
        article.snippet = highlight_html(python_snippet(bodies.get(article.pk, ""), pattern), unescape=False)
