"""Text rules both apps share: folding for matching, topic keys, slugs.

Pure functions of their arguments (``unique_slug`` reads the model it is
given), so every layer may use them.
"""

from __future__ import annotations

import html
import re
import unicodedata

from django.db import models
from django.utils.text import slugify

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents: "Díaz" and "DIAZ" both become "diaz"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def body_text(body_html: str | None) -> str:
    """The readable text of a sanitised body: tags become spaces (so that
    paragraphs do not run together) and entities become characters."""
    return html.unescape(_TAG.sub(" ", body_html or ""))


def folded_document(*texts: str) -> str:
    """The SQLite search document: every word folded, one space apart. The
    bars keep SQLite from storing an all-digit document as a number (the
    column's type name gives it numeric affinity)."""
    words = _WORD.findall(fold(" ".join(texts)))
    return f"| {' '.join(words)} |"


# Spanish treats ñ as a letter of its own, not an accented n: "año" and
# "ano" are different words and must stay different topics.
_KEEP = {"ñ", "Ñ"}


def clean_topic_name(name: str) -> str:
    """The name as it is stored: outer spaces removed, inner runs of spaces
    (including non-breaking ones) collapsed to one."""
    return " ".join(name.split())


def topic_key(name: str) -> str:
    """The identity of a topic name: "Cuba", " CUBA ", "Cúba" all give "cuba"."""
    letters = []
    for char in unicodedata.normalize("NFC", clean_topic_name(name)):
        if char in _KEEP:
            letters.append(char)
            continue
        letters.extend(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return "".join(letters).casefold()


def unique_slug(model: type[models.Model], value: str, *, instance_pk=None, max_length=200) -> str:
    """A unicode slug for ``value`` not yet used by another row of ``model``."""
    base = slugify(value, allow_unicode=True)[: max_length - 8].strip("-") or "item"
    slug, n = base, 2
    others = model._default_manager.exclude(pk=instance_pk) if instance_pk else model._default_manager
    while others.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


class FillsSlug:
    """Mixed into a model with a ``slug`` field: a row saved without a slug
    gets a unique one made from its ``slug_source`` field."""

    slug_source = "name"
    slug_max_length = 200

    def save(self, *args, **kwargs):
        if not self.slug:
            value = getattr(self, self.slug_source)
            self.slug = unique_slug(type(self), value, instance_pk=self.pk, max_length=self.slug_max_length)
        super().save(*args, **kwargs)
