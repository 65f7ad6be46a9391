"""The Jinja2 environment of the public site's templates (templates/jinja2/).

Why Jinja2 for the reader pages: they are the hot path, and Django's own
template language interprets every variable lookup and tag at render time,
which cost more Python time than all of a page's queries; compiled by
Jinja2, a page of cards renders in under half the time with the same output
(README, "Benchmark"). The admin and the sitemaps stay on Django templates,
which the admin requires.

What the templates may call is listed here: URL reversing, static files,
the header's sections, pagination links and a few formatting filters that
behave as Django's do (dates in the site's time zone, numbers with commas).
Autoescaping is on, with MarkupSafe's escaping (in C): quotes come out as
``&#39;`` and ``&#34;`` where Django writes ``&#x27;`` and ``&quot;``, the
same characters to a browser. Escaping Django's way, through a Python
function on every printed value, cost about 1.4 microseconds a value: half
a millisecond on a list page. Django's safe strings (``format_html``,
forms) pass through unescaped as they do in Django templates.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from datetime import date as date_type
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone, translation
from django.utils.encoding import iri_to_uri
from jinja2 import ChainableUndefined, Environment, Template, pass_context, pass_environment
from markupsafe import Markup

from alliances import display
from alliances.models import day_text
from newsroom.core import editions, formats
from newsroom.core.renditions import Picture, picture
from newsroom.core.text import without_controls
from newsroom.site import selectors, seo

NAV_TOPICS = 6
NAV_COUNTRIES = 6


def url(name: str, *args, **kwargs) -> str:
    if args or kwargs:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    # The header and footer reverse the same dozen names on every page.
    return _fixed_url(name, get_script_prefix(), get_urlconf(), translation.get_language())


def number(value) -> str:
    """Django's ``intcomma`` (thousands grouped the active language's way),
    without its cost for the small counts that fill a search page's filters:
    an integer under a thousand reads the same in every language, and
    ``intcomma`` spent about 60 microseconds on each (two milliseconds of a
    search)."""
    if type(value) is int and -1000 < value < 1000:
        return str(value)
    return intcomma(value)


@functools.lru_cache(maxsize=256)
def _fixed_url(name: str, prefix: str, urlconf, language: str) -> str:
    # The active language is ``language``: reverse() gives its edition's address.
    return reverse(name, urlconf=urlconf)


@receiver(setting_changed)
def _forget_urls(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _fixed_url.cache_clear()


def nav_sections() -> dict:
    """The header's main topics and countries: the most covered ones, from a
    short-lived cache (two queries when it is cold, none when warm)."""
    sections = selectors.active_sections()
    return {"topics": sections["topics"][:NAV_TOPICS], "countries": sections["countries"][:NAV_COUNTRIES]}


# The header as HTML, by what it prints: it is the same on every page until
# the most covered sections change (about once a minute at most), and
# rendering it was a twelfth of an uncached article page.
_site_navs: dict[tuple, Markup] = {}
SITE_NAVS_KEPT = 32


@pass_environment
def site_nav(env: Environment) -> Markup:
    """The header's navigation for the sections of this moment: read on
    every page as before (nothing lags longer than the sections' own
    cache), rendered once per process for each set of links, language
    and URL configuration."""
    nav = nav_sections()
    key = (
        translation.get_language(),
        get_script_prefix(),
        get_urlconf(),
        *((link.name, link.name.lang, link.url) for kind in ("topics", "countries") for link in nav[kind]),
        len(nav["topics"]),
    )
    html = _site_navs.get(key)
    if html is None:
        if len(_site_navs) >= SITE_NAVS_KEPT:
            _site_navs.clear()
        # An autoescaping template rendered it: its output is safe HTML.
        rendered = env.get_template("includes/site_nav.html").render(nav=nav)
        html = _site_navs[key] = Markup(rendered)  # noqa: S704
    return html


@pass_context
def page_url(context, number: int) -> str:
    """Address of page ``number`` of the current list, keeping the validated
    filters in ``page_query`` (never the raw query string)."""
    params = list(context.get("page_query") or [])
    if number > 1:
        params.append(("page", number))
    path = iri_to_uri(context["request"].path)
    return f"{path}?{urlencode(params)}" if params else path


def http_url(value: str) -> str:
    """``value`` if it is an http(s) address, else "". Model validation
    already refuses other schemes; this guards rows written around it, so a
    "javascript:" link can never reach a reader."""
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


def date(value, name: str) -> str:
    """Django's ``date`` filter for a named format of newsroom.core.formats
    ("day", "moment", in the active language) or an explicit one ("Y"); "c"
    is the ISO form for ``<time datetime>``, to the second (HTML accepts no
    microseconds there). An aware time is shown in the site's zone, and
    "moment" names the zone; no value prints nothing."""
    if not isinstance(value, datetime | date_type):
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if name == "c":
        # What Django's "c" gives, without its formatter or the microseconds.
        return value.replace(microsecond=0).isoformat() if isinstance(value, datetime) else value.isoformat()
    format_string = formats.format_string(name)
    if isinstance(value, datetime) and _reads_only_the_day(format_string):
        value = value.date()
    if not isinstance(value, datetime):
        # A list page prints the same few days over and over.
        return day_text(value, name, translation.get_language())
    if name == "moment" and isinstance(value, datetime):
        return formats.moment(value)
    return dateformat.format(value, format_string)


# Format characters that read only the day (and literal punctuation).
_DATE_ONLY = frozenset("dDjlNSwzWFmMnbEtLoYy ,.-/")


@functools.lru_cache(maxsize=64)
def _reads_only_the_day(format_string: str) -> bool:
    # Escaped letters are printed as they are (the Spanish "j \\d\\e F").
    return _DATE_ONLY.issuperset(re.sub(r"\\.", "", format_string))


class Kicker(NamedTuple):
    name: str
    url: str


class Card(NamedTuple):
    """What an article card prints, worked out in one call (the ``card``
    filter). Read attribute by attribute in the template, the same values
    cost twice as much: each attribute, method call and filter of a Jinja2
    template has its own overhead, and a list page prints twenty cards."""

    url: str
    headline: str
    dek: str
    language: str
    image_url: str
    picture: Picture | None  # the image's renditions, when made
    kicker: Kicker | None
    authors: tuple[str, ...]
    iso: str
    day: str
    relation: str  # on the agreement page: "about" or "mentions"


def card(article) -> Card:
    published = article.published_at
    if published is not None and timezone.is_aware(published):
        published = timezone.localtime(published)
    kicker = article.kicker
    return Card(
        url=article.get_absolute_url(),
        headline=article.headline,
        dek=article.dek,
        language=article.language,
        image_url=article.image.url if article.image else "",
        picture=picture_of(article),
        kicker=Kicker(kicker.display_name, kicker.get_absolute_url()) if kicker else None,
        authors=tuple(article.author_names()),
        iso=published.replace(microsecond=0).isoformat() if published else "",
        day=day_text(published.date(), "short day", translation.get_language()) if published else "",
        relation=getattr(article, "relation", None) or "",
    )


# Rendered cards, by everything they print: a story's card is the same on the
# home page, its topics' and countries' lists and its neighbours' boxes, and
# rendering twenty of them was up to a tenth of a list page. The key is the whole
# Card (address, headline, dek, kicker, bylines, day...) with the macro's
# options and the language, so a changed story, a renamed topic or author
# simply makes a new key; the oldest entries go first.
_card_html: OrderedDict[tuple, Markup] = OrderedDict()
CARDS_KEPT = 8_192
# The development server and threaded workers share the dictionary.
_card_lock = threading.Lock()


def _stored_card_key(article) -> tuple | None:
    """What a card is made of, read straight from an article that carries
    its stored card document (kicker and bylines; newsroom.stored.documents)
    with the columns a card prints: equal keys make equal cards, and
    building this costs a fraction of building the Card (its address,
    kicker link, local time and day). None for an article read without it."""
    stored = article.__dict__.get("card")
    if stored is None:
        return None
    kicker = stored.get("kicker")
    return (
        article.slug,
        article.headline,
        article.dek,
        article.language,
        str(article.__dict__.get("image") or ""),
        # Which copies exist (the widths, and the file they were made from).
        _renditions_key(article.__dict__.get("image_renditions")),
        article.published_at,
        tuple(kicker) if kicker else None,
        tuple(row["name"] for row in stored.get("bylines", ())),
        getattr(article, "relation", None) or "",
        timezone.get_current_timezone_name(),
    )


def _renditions_key(document) -> tuple | None:
    if not document:
        return None
    return (document.get("source"), document.get("width"), document.get("height"), tuple(document.get("widths", ())))


def picture_of(record, field: str = "image") -> Picture | None:
    """The renditions of ``record``'s image (an article's ``image``, the
    ``photo`` of an author, person or organisation) as a page prints them
    (newsroom.core.renditions), or None: no image, or no copies of it yet."""
    image = getattr(record, field)
    if not image:
        return None
    return picture(record.__dict__.get(f"{field}_renditions"), image.name, default_storage.url)


@pass_environment
def render_article_card(
    env: Environment, article, heading: str, show_image: bool, compact: bool, hide_author: str = ""
) -> Markup:
    """A card's HTML, kept per process by what it prints. ``hide_author``: a
    name left out of the byline (on that author's own page every card
    would repeat it; co-authors are still named)."""
    options = (heading, bool(show_image), bool(compact), hide_author, translation.get_language())
    stored = _stored_card_key(article)
    values = card(article) if stored is None else None
    key = (stored if stored is not None else values, *options)
    with _card_lock:
        html = _card_html.get(key)
        if html is not None:
            _card_html.move_to_end(key)
            return html
    rendered = env.get_template("includes/article_card.html").render(
        card=values or card(article),
        heading=heading,
        show_image=show_image,
        compact=compact,
        hide_author=hide_author,
        ui_lang=options[-1],
    )
    # An autoescaping template rendered it: its output is safe HTML.
    html = Markup(rendered)  # noqa: S704
    with _card_lock:
        _card_html[key] = html
        if len(_card_html) > CARDS_KEPT:
            _card_html.popitem(last=False)
    return html


def lang_attr(value, within: str | None = None) -> Markup:
    """`` lang="xx"`` for a name or text shown in another language than
    the element around it (``within``, by default the page's edition): an
    :class:`~newsroom.core.editions.InLanguage` whose edition form is
    empty, so the other language's shows. Anything else gives ""."""
    lang = getattr(value, "lang", None)
    if not lang or lang == (within or translation.get_language()):
        return Markup("")
    return Markup(' lang="%s"') % lang


def now(format_string: str) -> str:
    return dateformat.format(timezone.localtime(), format_string)


def _in_editions(context) -> bool:
    """Whether the page being rendered is a reader page, which every edition
    has at its address (not a preview, an error or an admin page)."""
    match = getattr(context.get("request"), "resolver_match", None)
    return match is not None and match.namespace in editions.NAMESPACES and not context.get("not_found")


def _edition_query(context, page=True) -> str:
    query = list(context.get("page_query") or ())
    number = getattr(context.get("page"), "number", 1) if page else 1
    if isinstance(number, int) and number > 1:
        query.append(("page", number))
    return f"?{urlencode(query)}" if query else ""


@pass_context
def edition_alternates(context) -> list[tuple[str, str]]:
    """(hreflang, absolute address) of this page in every edition and
    "x-default" (the default edition's), for <link rel="alternate">: a page
    that exists in both editions says so in each. A story exists in its own
    language only until its translation is public (``single_edition``): it
    has none; then each names both (``edition_paths``: {language: path},
    since a story and its translation have addresses of their own)."""
    if not _in_editions(context) or context.get("single_edition"):
        return []
    paths = context.get("edition_paths")
    if paths:
        found = [(code, settings.SITE_URL + iri_to_uri(paths[code])) for code in editions.languages() if code in paths]
        default = dict(found).get(editions.default_language())
        return [*found, ("x-default", default)] if default else found
    path = context["request"].path
    query = _edition_query(context)
    found = [
        (code, settings.SITE_URL + iri_to_uri(editions.edition_path(path, code)) + query)
        for code in editions.languages()
    ]
    default = dict(found)[editions.default_language()]
    return [*found, ("x-default", default)]


class EditionLink(NamedTuple):
    language: str
    name: str
    url: str


@pass_context
def edition_links(context) -> list[EditionLink]:
    """The language switcher: this page in each other edition. A view may
    name the address in ``edition_urls`` ({language: path}; an article names
    its translation, or the other edition's front page). Otherwise it is this
    address in the other edition, with the validated query (``page_query``:
    a search keeps its words). A page outside the editions (a preview, an
    error) links to the other editions' front pages: its own address may be
    a secret (a preview link's token) or lead nowhere."""
    request = context.get("request")
    named = context.get("edition_urls") or {}
    path = request.path if request is not None else "/"
    outside = not _in_editions(context)
    query = _edition_query(context, page=False)
    links = []
    for language in editions.other_languages(translation.get_language()):
        if language in named:
            target = named[language]
        elif outside:
            target = editions.edition_path("/", language)
        else:
            target = editions.edition_path(path, language) + query
        links.append(EditionLink(language, editions.language_name(language), iri_to_uri(target)))
    return links


class CleanTemplate(Template):
    """A template whose output holds no character HTML refuses as text.
    Editors' fields are cleaned when saved (newsroom.core.text), but rows
    written before that rule, or around the ORM (imports), may still hold a
    control character; one search of the finished page (tens of
    microseconds) costs less than checking every printed value."""

    def render(self, *args, **kwargs) -> str:
        return without_controls(super().render(*args, **kwargs))


def environment(**options) -> Environment:
    # Like Django's templates, a missing variable prints nothing (and a
    # missing object's attribute too), rather than failing the page. Django's
    # backend has already chosen Undefined (DebugUndefined with DEBUG on, which
    # would print the tag into the page): replaced, not defaulted.
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)  # always on, whatever the settings say
    options.setdefault("keep_trailing_newline", True)
    # The site's words go through Django's catalogues (locale/): _(), and
    # {% trans %} blocks with their whitespace collapsed, as Babel extracts them.
    extensions = list(options.pop("extensions", ()))
    env = Environment(autoescape=True, extensions=[*extensions, "jinja2.ext.i18n"], **options)
    env.policies["ext.i18n.trimmed"] = True
    env.template_class = CleanTemplate
    env.install_gettext_callables(
        translation.gettext,
        translation.ngettext,
        newstyle=True,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
    )
    env.globals.update(
        edition_links=edition_links,
        edition_alternates=edition_alternates,
        url=url,
        static=staticfiles_storage.url,
        nav_sections=nav_sections,
        site_nav=site_nav,
        render_article_card=render_article_card,
        page_url=page_url,
        now=now,
        article_json_ld=seo.article_json_ld,
        picture_of=picture_of,
        lang_attr=lang_attr,
        agreement_timeline=display.agreement_timeline,
    )
    env.filters.update(
        date=date,
        http_url=http_url,
        intcomma=number,
        pluralize=defaultfilters.pluralize,
        linebreaks=lambda value: defaultfilters.linebreaks_filter(value, autoescape=True),
        urlencode=defaultfilters.urlencode,
        party_countries=display.party_countries,
        agreement_date=display.agreement_date,
    )
    return env
