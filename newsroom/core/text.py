"""Text rules both apps share: folding for matching, topic keys, slugs.

Pure functions of their arguments (``unique_slug`` reads the model it is
given), so every layer may use them.
"""

from __future__ import annotations

import html
import re
import unicodedata

from django import forms
from django.db import models
from django.utils.text import slugify

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")


# What no editor means to type and HTML refuses as text: control characters
# (C0 but tab, line feed and carriage return; DEL; C1) and the Unicode
# noncharacters. Pasted from PDFs and word processors, or left by imports.
UNWANTED_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def without_controls(text: str) -> str:
    """``text`` with UNWANTED_CONTROLS removed (a carriage return, part of the
    line ends browsers send, stays)."""
    return UNWANTED_CONTROLS.sub("", text) if UNWANTED_CONTROLS.search(text) else text


def strip_controls_before_save(sender, instance, raw=False, **kwargs) -> None:
    """pre_save receiver: every text field of ``instance`` without_controls,
    so what is typed or pasted into any editor's field is stored clean."""
    if raw:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and value:
                cleaned = without_controls(value)
                if cleaned is not value:
                    setattr(instance, field.attname, cleaned)


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


# Letters that Unicode does not decompose into a plain one and an accent.
_SPELLED = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "TH",
        "ð": "d",
        "Ð": "D",
        "ı": "i",
    }
)
# What every address slug looks like: lower-case ASCII words joined by hyphens.
SLUG_FORM = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def ascii_slug(value: str, max_length: int = 200) -> str:
    """The address form of ``value``: lower-case ASCII, transliterated
    ("Línea de crédito" gives "linea-de-credito", "ñ" gives "n"), words
    joined by single hyphens, at most ``max_length`` characters. Two slugs
    that differ only by case or accents have the same form, so they cannot
    both exist (SLUG_FORM and each slug's unique index)."""
    words = slugify(str(value).translate(_SPELLED)).replace("_", "-").split("-")
    return "-".join(word for word in words if word)[:max_length].strip("-")


class AddressSlugFormField(forms.SlugField):
    """The form side of AddressSlugField: accented or capitalised input is
    folded before it is validated, not refused. (Its ``allow_unicode`` is
    off, so the admin's slug prefill writes the ASCII form as you type.)"""

    def to_python(self, value):
        value = super().to_python(value)
        return ascii_slug(value, self.max_length or 200) if value else value


class AddressSlugField(models.SlugField):
    """A slug field whose value is always in address form (ascii_slug): what
    an editor types ("Rusia-Abre", "línea") is folded when the form or the
    model is cleaned, so a slug that differs from another only by case or
    accents meets the unique check as the same slug, with the form's
    "already exists" error. Accented input is accepted and folded rather
    than refused."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": AddressSlugFormField, **kwargs})

    def to_python(self, value):
        value = super().to_python(value)
        return ascii_slug(value, self.max_length) if value else value

    def get_prep_value(self, value):
        # A lookup compares exactly (CharField's would fold through
        # to_python): an address in another form is not this one, and
        # answers 404 or its 301, never the page itself.
        value = models.Field.get_prep_value(self, value)
        return value if value is None else str(value)

    def get_db_prep_save(self, value, connection):
        # Written by update() too: folded.
        if value:
            value = ascii_slug(str(value), self.max_length)
        return super().get_db_prep_save(value, connection)

    def pre_save(self, model_instance, add):
        # Code that sets a slug and saves without cleaning (a service, an
        # import) stores the address form too; the constraint would refuse
        # anything else.
        value = getattr(model_instance, self.attname)
        if value:
            value = ascii_slug(value, self.max_length)
            setattr(model_instance, self.attname, value)
        return value


def slug_form_constraint(name: str) -> models.CheckConstraint:
    """The database's own guard on a model's slugs: address form only."""
    return models.CheckConstraint(condition=models.Q(slug__regex=SLUG_FORM), name=name)


def unique_slug(model: type[models.Model], value: str, *, instance_pk=None, max_length=200) -> str:
    """An address slug (ascii_slug) for ``value`` not yet used by another row of ``model``."""
    base = ascii_slug(value, max_length - 8) or "item"
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


def reader_name(name: str) -> str:
    """A tag name as typed ("alianzas estratégicas") as a first display name:
    its first letter capitalised, the rest as written (so "ONU" stays)."""
    name = clean_topic_name(name or "")
    return name[:1].upper() + name[1:]


def name_sort_key(name: str) -> str:
    """A key that orders names the way a Spanish or English reader looks
    them up: case and accents ignored ("Árabe" with the a's), "ñ" after
    every "n" word and before "o" ("Nueva Zelanda", "Ñandú", "Omán")."""
    composed = unicodedata.normalize("NFC", str(name))
    return fold(composed.replace("ñ", "n{").replace("Ñ", "n{"))
