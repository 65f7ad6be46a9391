"""RSS 2.0 and Atom feeds: the latest public articles, site-wide and for each
topic, country, agreement and author page (at ``<page>/feed/``).

Each item carries the headline, the dek as summary, the byline, topics and
countries as categories, publication and update times and the hero image as
an enclosure. Whatever an editor typed, the XML stays valid: every string is
stripped of the characters XML 1.0 cannot carry on its way into the feed
generator (which would otherwise refuse control characters with an error).
"""

from __future__ import annotations

import mimetypes
import re
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from alliances.models import Agreement, Country, Organization, Person
from newsroom.core.editions import split_path
from newsroom.models import Article, Author, Topic
from newsroom.pagecache import tags
from newsroom.pagecache.pages import depends_on
from newsroom.site import selectors
from newsroom.site.views import moved_to

FEED_ITEMS = 30

# Everything outside XML 1.0's Char production: C0 controls other than tab,
# newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 cannot carry removed."""
    return _NOT_XML.sub("", value)


def _clean(value):
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    if isinstance(value, dict):
        return {key: _clean(v) for key, v in value.items()}
    return value


class _XMLSafeFeed:
    """Mixin for Django's feed generators: cleans every string of the feed
    and its items, and makes enclosure addresses absolute (Django's Feed
    leaves them as the storage gives them) against the feed's own link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_clean(args), **_clean(kwargs))

    def add_item(self, *args, **kwargs):
        kwargs = _clean(kwargs)
        kwargs["enclosures"] = [
            feedgenerator.Enclosure(
                url=xml_text(urljoin(self.feed["link"], enclosure.url)),
                length=xml_text(str(enclosure.length)),
                mime_type=xml_text(enclosure.mime_type),
            )
            for enclosure in kwargs.get("enclosures") or ()
        ]
        super().add_item(*_clean(args), **kwargs)


class RssFeed(_XMLSafeFeed, feedgenerator.Rss201rev2Feed):
    pass


class AtomFeed(_XMLSafeFeed, feedgenerator.Atom1Feed):
    pass


class LatestArticlesFeed(Feed):
    """The site's latest public articles. Subclasses narrow ``articles()``
    to one topic, country, agreement or author."""

    feed_type = RssFeed

    def title(self, obj=None) -> str:
        return settings.SITE_NAME

    def link(self, obj=None) -> str:
        return reverse("newsroom:home")

    def description(self, obj=None) -> str:
        return _("The latest stories on Cuba and world politics.")

    def subtitle(self, obj=None) -> str:
        # Atom's name for the description.
        return self.description(obj)

    def articles(self, obj) -> QuerySet:
        """The edition's stories: each feed is in one language (its
        <language>), /feed/ in Spanish, /en/feed/ in English."""
        return Article.objects.published().filter(language=get_language())

    def items(self, obj=None):
        # for_feed(): the items with their bylines, then topics and countries:
        # three queries whatever the number of items, no body or search vector.
        return self.articles(obj).for_feed()[:FEED_ITEMS]

    def feed_tags(self, obj) -> set[str]:
        """The page-cache tag of the list this feed carries."""
        return {tags.LATEST}

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        depends_on(request, self.feed_tags(obj))
        return feed

    def item_title(self, article: Article) -> str:
        # RSS readers show titles as HTML (Django escapes them for the same
        # reason); Atom titles are plain text.
        return article.headline if issubclass(self.feed_type, feedgenerator.Atom1Feed) else escape(article.headline)

    def item_description(self, article: Article) -> str:
        # Both RSS <description> and Atom <summary type="html"> are HTML.
        return escape(article.dek)

    def item_author_name(self, article: Article) -> str | None:
        return ", ".join(author.name for author in article.ordered_authors()) or None

    def item_categories(self, article: Article) -> list[str]:
        return [topic.display_name for topic in article.tags.all()] + [
            country.display_name for country in article.countries.all()
        ]

    def item_pubdate(self, article: Article):
        return article.published_at

    def item_updateddate(self, article: Article):
        # Atom's <updated> is the last change the publisher considers
        # significant: a correction or a substantive update, not a typo fix.
        return article.date_modified

    def item_enclosures(self, article: Article) -> list[feedgenerator.Enclosure]:
        if not article.image:
            return []
        try:
            length = article.image.size
        except (OSError, ValueError):
            # A file missing from storage still gets its enclosure; RSS
            # readers take 0 as "length unknown".
            length = 0
        mime_type = mimetypes.guess_type(article.image.name)[0] or "application/octet-stream"
        return [feedgenerator.Enclosure(url=article.image.url, length=str(length), mime_type=mime_type)]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomFeed


class PageFeed(LatestArticlesFeed):
    """The feed of one page (``<page>/feed/``) of a topic, country, agreement
    or author: the latest public articles that point at the page's record
    through ``lookup``. It answers 404 exactly when its page does (with
    ``public_only``, as the topic page does, also when no public story
    carries the record, whose name alone could give an unpublished one
    away), and follows its page when that moved (a 301 to the new page's
    feed). ``about`` is the description when the record has none of its own
    in ``description_field``; it names the record as %(name)s."""

    def __init__(
        self,
        model,
        *,
        lookup: str,
        about: str,
        name_field: str = "name",
        description_field: str | None = None,
        public_only: bool = False,
    ):
        super().__init__()
        self.model = model
        self.lookup = lookup
        self.about = about
        self.name_field = name_field
        self.description_field = description_field
        self.public_only = public_only

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def feed_tags(self, obj) -> set[str]:
        return {tags.tag(self.model, obj.pk)}

    def name(self, obj) -> str:
        return getattr(obj, self.name_field)

    def title(self, obj) -> str:
        return f"{self.name(obj)} – {settings.SITE_NAME}"

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def description(self, obj) -> str:
        own = getattr(obj, self.description_field) if self.description_field else ""
        return own or str(self.about) % {"name": self.name(obj)}

    def articles(self, obj) -> QuerySet:
        return super().articles(obj).filter(**{self.lookup: obj})

    def items(self, obj):
        items = list(super().items(obj))
        # Its page exists while a public story in any language carries the
        # record; this edition's feed may then be empty.
        if self.public_only and not items and not Article.objects.published().filter(**{self.lookup: obj}).exists():
            raise Http404("No public stories here")
        return items

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            page = request.path.removesuffix("feed/")
            target = moved_to(page) if page != request.path else None
            # Only to the same kind of page (a renamed topic's new page), not
            # wherever a hand-made redirect leads.
            if target is None or _kind(target) != _kind(page):
                raise
            return HttpResponsePermanentRedirect(target + "feed/")


class ProfileFeed(PageFeed):
    """A person's or an organisation's feed: there exactly when the page is
    (selectors.profile_for_page), its description the page's note."""

    def get_object(self, request, slug):
        record = selectors.profile_for_page(self.model, slug)
        if record is None:
            raise Http404("No such page")
        return record


# The page feeds.
TOPIC = PageFeed(
    Topic,
    lookup="tags",
    about=_lazy("The latest stories on %(name)s."),
    name_field="display_name",
    description_field="description",
    public_only=True,
)
COUNTRY = PageFeed(
    Country, lookup="countries", about=_lazy("The latest stories about %(name)s."), name_field="display_name"
)
AGREEMENT = PageFeed(
    Agreement,
    lookup="agreements",
    about=_lazy("The latest stories on %(name)s."),
    name_field="display_title",
    description_field="display_summary",
)
AUTHOR = PageFeed(
    Author, lookup="bylines__author", about=_lazy("The latest stories by %(name)s."), description_field="display_bio"
)


def _kind(path: str) -> str:
    """The kind of page at ``path`` ("topics"), whatever its edition."""
    return split_path(path)[1].split("/")[1]


PERSON = ProfileFeed(
    Person, lookup="people", about=_lazy("The latest stories about %(name)s."), description_field="display_note"
)
ORGANIZATION = ProfileFeed(
    Organization,
    lookup="organizations",
    about=_lazy("The latest stories about %(name)s."),
    description_field="display_note",
)
