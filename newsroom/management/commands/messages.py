"""manage.py messages: the site's words, gathered and compiled with Babel.

Django's makemessages and compilemessages need GNU gettext on the machine
and read no Jinja2 templates; Babel is pure Python and reads both (Jinja2
brings its extractor). This command:

1. extracts every translatable message from the Python code of both apps,
   from the reader templates (templates/jinja2/) and from the admin's
   Django templates (templates/admin/, read through Django's own
   ``templatize``, as makemessages does);
2. updates each catalogue, locale/<language>/LC_MESSAGES/django.po, keeping
   its translations and dropping messages no longer used. The English
   catalogue translates each message to itself (the messages are written in
   English), so it is complete by construction; the Spanish one needs a
   translator for every new message;
3. compiles each catalogue to the django.mo beside it, which Django reads.
   The .mo files are committed: running the site needs neither gettext
   nor this command.

``--check`` changes nothing and fails, listing them, if a message lacks a
translation, a translation is marked fuzzy, or a catalogue or its compiled
file is out of date. The test suite runs it.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DOMAIN = "django"
# Where the messages are, and how to read them. Tests, the benchmark and
# migrations are not the site's words.
SOURCES = [
    ("newsroom/migrations/**", "ignore"),
    ("alliances/migrations/**", "ignore"),
    ("newsroom/**.py", "python"),
    ("alliances/**.py", "python"),
    ("templates/jinja2/**.html", "jinja2"),
    ("templates/admin/**.html", "newsroom.management.commands.messages:extract_django"),
]
OPTIONS = {"templates/jinja2/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
# Django's lazy and contextual functions besides Babel's own keywords.
KEYWORDS = {
    "_lazy": None,
    "gettext_lazy": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
SOURCE_LANGUAGE = "en"


def extract_django(fileobj, keywords, comment_tags, options):
    """Babel's extraction method for a Django template: Django's
    ``templatize`` turns its {% translate %} and {% blocktranslate %} tags
    into gettext calls in Python source (line for line), which Babel's
    Python extractor reads."""
    from babel.messages.extract import extract_python
    from django.utils.translation.template import templatize

    python = templatize(fileobj.read().decode("utf-8"))
    yield from extract_python(io.BytesIO(python.encode("utf-8")), keywords, comment_tags, options)


def _root() -> Path:
    return Path(settings.BASE_DIR)


def extract():
    """A Babel catalogue of every message the site uses."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    catalog = Catalog(project="Newsroom", domain=DOMAIN, charset="utf-8", fuzzy=False)
    found = extract_from_dir(
        str(_root()), SOURCES, OPTIONS, keywords={**DEFAULT_KEYWORDS, **KEYWORDS}, strip_comment_tags=True
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _po_path(language: str) -> Path:
    return _root() / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(language: str):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = _po_path(language)
    if not path.exists():
        return Catalog(
            locale=language,
            project="Newsroom",
            domain=DOMAIN,
            charset="utf-8",
            fuzzy=False,
            header_comment=f"# The site's words in {language} (manage.py messages keeps this file).",
            language_team="Newsroom",
            last_translator="Newsroom",
        )
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def updated(language: str, template):
    """The catalogue of ``language`` brought up to ``template``: new messages
    added, unused ones dropped; in the source language, each message is its
    own translation."""
    catalog = _read(language)
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False)
    catalog.obsolete.clear()
    if language == SOURCE_LANGUAGE:
        for message in catalog:
            if message.id:
                message.string = message.id
                message.flags.discard("fuzzy")
    return catalog


def _po_bytes(catalog) -> bytes:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, include_previous=False, omit_header=False)
    return buffer.getvalue()


def _mo_bytes(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _strings(catalog) -> dict:
    """What a catalogue translates (message, context -> translation): the
    part that matters when comparing it with another, headers and line
    numbers aside."""
    return {(str(m.id), m.context): (m.string, "fuzzy" in m.flags) for m in catalog if m.id}


def problems(language: str, template) -> list[str]:
    """What is wrong with the stored catalogue of ``language``."""
    stored = _read(language)
    wanted = updated(language, template)
    found = []
    for message in wanted:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        label = message.id[0] if isinstance(message.id, tuple) else message.id
        if not all(strings):
            found.append(f"{language}: no translation for {label!r}")
        elif "fuzzy" in message.flags:
            found.append(f"{language}: fuzzy translation for {label!r}")
    if _strings(stored) != _strings(wanted):
        found.append(f"{language}: {_po_path(language)} is not up to date (run manage.py messages)")
    mo_path = _po_path(language).with_suffix(".mo")
    if not mo_path.exists() or mo_path.read_bytes() != _mo_bytes(stored):
        found.append(f"{language}: {mo_path} is not compiled from its catalogue (run manage.py messages)")
    return found


class Command(BaseCommand):
    help = "Gather the site's messages into locale/*/LC_MESSAGES/django.po and compile them (Babel)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Change nothing; fail if a catalogue is incomplete.")

    def handle(self, *args, check=False, **options):
        template = extract()
        languages = [code for code, _name in settings.LANGUAGES]
        if check:
            found = [problem for language in languages for problem in problems(language, template)]
            if found:
                raise CommandError("\n".join(found))
            self.stdout.write(f"{len(template)} messages, translated in {', '.join(languages)}.")
            return
        for language in languages:
            catalog = updated(language, template)
            path = _po_path(language)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_po_bytes(catalog))
            path.with_suffix(".mo").write_bytes(_mo_bytes(catalog))
            missing = sum(
                1 for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,))
            )
            self.stdout.write(f"{language}: {len(catalog)} messages, {missing} without a translation")
