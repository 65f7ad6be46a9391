"""Public pages of the newsroom app. Every article query starts from
``Article.objects.published()``; the queries themselves live in
``newsroom.site.selectors``."""

from __future__ import annotations

import functools
import logging
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _

from alliances.models import Agreement
from newsroom.core import editions
from newsroom.core.addresses import is_site_path
from newsroom.core.middleware import database_unavailable
from newsroom.models import Article, Author, Correction, PreviewLink, Redirect, Topic
from newsroom.pagecache import tags
from newsroom.pagecache.pages import depends_on
from newsroom.site import selectors

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
HOME_LATEST = 20
UPDATE_GRACE = timedelta(minutes=10)


def paginate(request, queryset, per_page: int = PAGE_SIZE) -> Page:
    """Page ``queryset`` by ``?page=``, counted (for short lists that print
    their total); anything but a page that exists is a 404."""
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    try:
        return paginator.page(page_number(request))
    except EmptyPage as exc:
        raise Http404("No such page") from exc


class ListPage:
    """One page of a long list of articles, fetched without counting the
    list. A count of a busy topic or country (tens of thousands of public
    stories) costs PostgreSQL more than the page itself, and readers of a
    news archive page by "newer" and "older", not by "page 37 of 1,460". One
    row more than a page is fetched to know whether an older page exists.

    Offers what the templates and ``page_meta`` use of Django's ``Page``."""

    paginator = None  # no total: the template prints "Page N" alone

    def __init__(self, object_list: list, number: int, has_next: bool):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(request) -> int:
    """``?page=`` as a page number, or a 404 for anything else."""
    number = request.GET.get("page", "1")
    # ASCII digits only: str.isdigit() also accepts "²" or "①", which int()
    # refuses, and full-width digits, which would duplicate page 1.
    if not (number.isascii() and number.isdigit() and len(number) <= 9) or int(number) < 1:
        raise Http404("No such page")
    return int(number)


def paginate_articles(request, page_cards, per_page: int = PAGE_SIZE) -> ListPage:
    """Page an ordered article list by ``?page=`` without a count:
    ``page_cards(offset, limit)`` gives the page's cards in order, from one
    query. Page 1 may be empty (the template says so); an empty later page
    is a 404."""
    number = page_number(request)
    found = page_cards((number - 1) * per_page, per_page + 1)
    if number > 1 and not found:
        raise Http404("No such page")
    return ListPage(found[:per_page], number, has_next=len(found) > per_page)


# How many of the other edition's stories a list page shows below its own.
OTHER_EDITION_CARDS = 4


@dataclass(frozen=True)
class OtherEdition:
    """The stories in another language on a list page: its latest few, and
    the same page in that edition when it lists more."""

    language: str
    heading: str
    cards: list
    more_url: str

    @property
    def more_label(self) -> str:
        return _("More stories in %(language)s") % {"language": Article.Language(self.language).label}


def other_language_heading(languages: list[str]) -> str:
    """The heading over stories in ``languages``, in the page's language:
    "Stories in English" / "Noticias en inglés" (the search page's block
    may hold several)."""
    if len(languages) != 1:
        return _("Stories in other languages")
    return _("Stories in %(language)s") % {"language": Article.Language(languages[0]).label}


def edition_lists(request, cards_in, limit: int) -> tuple[list, list[OtherEdition]]:
    """The first ``limit`` cards of the page's edition and, below them, a
    labelled block of each other edition's latest stories: the English
    edition is of use before most stories have a translation, and no story
    is out of reach from either edition. A story translated into the page's
    language is left out of the block (its own edition lists it).
    ``cards_in(offset, limit, language, other, others)`` reads the page's
    list with ``others`` of ``other``'s in the same statement
    (selectors.EditionList): one query for both."""
    current = translation.get_language()
    others = editions.other_languages(current)
    own, blocks = None, []
    for language in others:
        # The page's own cards come with the first block (a third edition's
        # block would cost a statement of its own).
        found = cards_in(0, limit if own is None else 1, current, language, OTHER_EDITION_CARDS + 1)
        if own is None:
            own = [card for card in found if card.language == current]
        theirs = [card for card in found if card.language == language]
        if theirs:
            more = len(theirs) > OTHER_EDITION_CARDS
            blocks.append(
                OtherEdition(
                    language,
                    other_language_heading([language]),
                    theirs[:OTHER_EDITION_CARDS],
                    editions.edition_path(request.path, language) if more else "",
                )
            )
    if own is None:
        own = cards_in(0, limit, current)
    return own, blocks


def paginate_editions(request, cards_in, per_page: int = PAGE_SIZE) -> tuple[ListPage, list[OtherEdition]]:
    """:func:`paginate_articles` for a list kept in each edition: the first
    page also has the other editions' blocks (:func:`edition_lists`), read
    with it; later pages have none."""
    if page_number(request) > 1:
        return paginate_articles(request, cards_in, per_page), []
    own, blocks = edition_lists(request, cards_in, per_page + 1)
    return ListPage(own[:per_page], 1, has_next=len(own) > per_page), blocks


def absolute_url(url: str) -> str:
    """``url`` as a full address on the public site (SITE_URL), for canonical
    links and social cards. Addresses that already name a host are kept."""
    if not url or url.startswith(("http://", "https://", "//")):
        return url
    return settings.SITE_URL + iri_to_uri(url)


@dataclass(frozen=True)
class PageMeta:
    """What the <head> says about a page: title, description, canonical
    address and the social-card fields. Editors' text goes in as is; the
    template escapes it."""

    title: str = ""
    description: str = ""
    canonical: str = ""
    type: str = "website"
    image: str = ""
    image_alt: str = ""
    noindex: bool = False
    extra: dict = field(default_factory=dict)


def page_meta(
    request,
    *,
    title: str = "",
    description: str = "",
    page: Page | None = None,
    query=(),
    path: str = "",
    **kwargs,
) -> PageMeta:
    """PageMeta whose canonical address is ``path`` (by default the request's)
    plus only the query parameters that select different content (validated
    filters, a page number beyond the first); stray parameters never reach it."""
    params = list(query)
    if page is not None and page.number > 1:
        params.append(("page", page.number))
    canonical = absolute_url(path or request.path) + (f"?{urlencode(params)}" if params else "")
    return PageMeta(title=title, description=description, canonical=canonical, **kwargs)


def home(request):
    """The front page: the editors' lead and featured stories of this
    edition (selectors.front_page), the newest stories below them, filling
    any slot nobody picked, then the topic blocks the editors chose."""
    front = selectors.front_page()
    articles, others = edition_lists(
        request,
        lambda _offset, limit, *edition: selectors.latest_articles(limit, *edition),
        HOME_LATEST + 1 + len(front.shown),
    )
    latest = [article for article in articles if article.pk not in front.shown]
    lead = front.lead or (latest.pop(0) if latest else None)
    sections = selectors.active_sections()
    # The blocks' topics too: a merge or a re-tagging that saves no story
    # changes a block without touching the latest stories.
    depends_on(request, tags.LATEST, tags.FRONT, tags.tags_of(Topic, front.block_topics))
    return render(
        request,
        "newsroom/home.html",
        {
            "lead": lead,
            "featured": front.featured,
            "articles": latest[:HOME_LATEST],
            "blocks": front.blocks(exclude={lead.pk} if lead else set()),
            "other_editions": others,
            "active_topics": sections["topics"],
            "active_countries": sections["countries"],
            "meta": page_meta(request, description=_("News and analysis on Cuba and world politics.")),
        },
    )


def moved_to(path: str) -> str | None:
    """Where the page at ``path`` moved (services.record_redirect keeps the
    table), as an address for a Location header, or None. One query, on the
    unique old_path index, and a second when the address has no redirect of
    its own: a redirect stored for the
    default edition's address (a renamed topic: /topics/old/) holds for
    every edition (/en/topics/old/ to /en/topics/new/), and one stored for a
    story's own address in another edition holds for the same path in the
    default edition (/articles/x/, where an English story was before the
    editions, follows /en/articles/x/). A stored target that
    is not a path on this site (written past the checks, by SQL or an
    import) is never answered: it could send readers to another site."""
    redirects = Redirect.objects.values_list("new_path", flat=True)
    target = redirects.filter(old_path=path).first()
    language, bare = editions.split_path(path)
    if target is None and bare != path:
        target = redirects.filter(old_path=bare).first()
        if target is not None and is_site_path(target):
            target = editions.edition_path(target, language)
    elif target is None:
        # An address of the default edition whose story lives in another
        # (an English story at /articles/x/, as all stories were before the
        # editions): where its own address moved.
        others = [editions.edition_path(path, code) for code in editions.other_languages(language)]
        target = redirects.filter(old_path__in=others).order_by("old_path").first()
    if target is None:
        return None
    if not is_site_path(target):
        logger.warning("Redirect from %r to %r ignored: not a path on this site", path, target)
        return None
    return iri_to_uri(target)


def article_detail(request, slug):
    """A public story, at its own address: in its language's edition. The
    same slug in another edition (/en/articles/<a Spanish story>/) answers
    301 to it."""
    article = selectors.public_article(slug)
    if article is None:
        raise Http404("No such page")
    if article.language != translation.get_language():
        return HttpResponsePermanentRedirect(iri_to_uri(article.get_absolute_url()))
    return render_article(request, article)


def preview(request, token):
    """An unpublished article, as it is now, for whoever holds a valid
    preview link (no account needed): the article page with the "Preview"
    banner, kept out of search engines and out of every cache.

    - A token that is not ours, or whose article was deleted: 404.
    - A link whose article was archived (taken off the site, perhaps for
      legal reasons): 410, with a page that says so and nothing of the
      story.
    - Once the article is public, the link leads to it, even a link that
      was revoked or expired since (nothing there is secret any more).
    - A revoked or expired link: 410.
    - A scheduled (embargoed) article stays visible to the link's holders
      until its time, so partners can prepare; that is what the link is for.
    """
    link_id = PreviewLink.id_from_token(token)
    link = PreviewLink.objects.select_related("article").filter(pk=link_id).first() if link_id else None
    if link is None:
        raise Http404("No such preview")
    if link.article.status == Article.Status.ARCHIVED:
        response = _preview_gone(request, link, reason="withdrawn")
    elif link.article.is_public:
        # Whatever became of the link: the story is there for everyone.
        response = HttpResponseRedirect(link.article.get_absolute_url())
    elif not link.is_active:
        response = _preview_gone(request, link, reason="revoked" if link.revoked_at else "expired")
    else:
        response = render_article(request, link.article, preview=True, extra_context={"preview_link": link})
    return private_preview(response)


def _preview_gone(request, link: PreviewLink, *, reason: str):
    return render(
        request,
        "newsroom/preview_gone.html",
        {"link": link, "reason": reason, "meta": PageMeta(title=_("Preview link no longer valid"), noindex=True)},
        status=410,
    )


def private_preview(response):
    """Headers for a page only link holders may see: no search engine, no
    shared or browser cache, and no Referer carrying the token elsewhere."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def staff_preview(request, object_id: str):
    """The article as readers will see it, for staff who may open it: the
    admin's preview button (mounted under /admin/ by newsroom.urls, behind
    the admin's login). The same doors as the admin's change page: the model
    permission first, then only articles the user may open (a writer's own
    stories, published or not: ``viewable_by``)."""
    user = request.user
    if not (user.has_perm("newsroom.view_article") or user.has_perm("newsroom.change_article")):
        raise PermissionDenied
    # Ids are integers; anything else (or too long for the column) is no article.
    article = None
    if object_id.isdigit() and len(object_id) < 19:
        article = Article.objects.viewable_by(user).filter(pk=int(object_id)).first()
    if article is None:
        raise Http404(_("No such article, or not one you can open."))
    response = render_article(request, article, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def render_article(request, article: Article, *, preview: bool = False, extra_context: dict | None = None):
    """The article page for ``article``. The public view passes a published
    article; the admin's staff preview and the shareable preview links pass
    any article with ``preview=True``, which marks the page "not public" and
    keeps it out of search engines. Related articles are public ones in both
    cases."""
    lists = selectors.load_article_page(article).lists
    related = selectors.related_articles(article)
    # The related box's cards: a story there that is unpublished or edited
    # marks this page. (One made public again enters the box when the queued
    # ranking rewrites this article's list, which marks it too.)
    depends_on(
        request,
        tags.tag(Article, article.pk),
        tags.tags_of(Article, [card.pk for card in related]),
        tags.tags_of(Agreement, [link.agreement_id for link in lists.agreement_links]),
    )
    image = article.image.url if article.image else ""
    meta = page_meta(
        request,
        title=article.headline,
        description=article.dek,
        type="article",
        image=absolute_url(image),
        image_alt=article.image_alt,
        noindex=preview,
        # The preview is served from the admin; its canonical address is
        # still the public one.
        path=article.get_absolute_url(),
    )
    context = {
        "article": article,
        "lists": lists,
        "authors": lists.authors,
        "agreement_links": lists.agreement_links,
        "related": related,
        "show_updated": _was_updated(article),
        "preview": preview,
        "meta": meta,
        "breadcrumbs": _article_breadcrumbs(article),
        "last_update": _last_update(article),
        **_article_editions(article, lists.public_translation),
        **(extra_context or {}),
    }
    return render(request, "newsroom/article_detail.html", context)


def _article_editions(article: Article, translation: Article | None) -> dict:
    """Where the language switcher and the hreflang alternates lead from a
    story: to its translation when that is public (each page naming both,
    the default edition's as x-default), else to the other edition's front
    page, with no alternates (the story exists in one edition only). The
    translation comes from the stored page document: no query. A change to
    it marks this page too (newsroom.pagecache.tags)."""
    urls = {language: editions.edition_path("/", language) for language in editions.other_languages(article.language)}
    if translation is None:
        return {"single_edition": True, "edition_urls": urls}
    urls[translation.language] = translation.get_absolute_url()
    return {
        "single_edition": False,
        "edition_urls": urls,
        "edition_paths": {
            article.language: article.get_absolute_url(),
            translation.language: urls[translation.language],
        },
    }


def _last_update(article: Article):
    """The update time readers see: the same substantive-update time that
    JSON-LD's dateModified and the feeds carry. A typo fix (a save without
    "substantive update") does not move it."""
    return article.date_modified


def _was_updated(article: Article) -> bool:
    """Whether to print "Updated": only for an edit well after publication,
    not for the save that published it."""
    return bool(article.published_at) and _last_update(article) - article.published_at > UPDATE_GRACE


def _article_breadcrumbs(article: Article) -> list[tuple[str, str]]:
    """The story's section: its first topic, else its first country; a
    story with neither has only the home page above it (never a bare
    "Topics" that names none)."""
    lists = article.lists
    if lists.topics:
        topic = lists.topics[0]
        return [(_("Topics"), reverse("newsroom:topic-list")), (topic.display_name, topic.get_absolute_url())]
    if lists.countries:
        country = lists.countries[0]
        return [(_("Countries"), reverse("alliances:country-list")), (country.display_name, country.get_absolute_url())]
    return []


def topic_list(request):
    return render(
        request,
        "newsroom/topic_list.html",
        {
            "topics": selectors.by_display_name(selectors.topics_with_counts()),
            "meta": page_meta(request, title=_("Topics"), description=_("Every topic we cover, A to Z.")),
            "breadcrumbs": [(_("Topics"), "")],
        },
    )


def topic_detail(request, slug):
    topic = selectors.topic_by_slug(slug)
    if topic is None:
        raise Http404("No such page")
    page, others = paginate_editions(request, functools.partial(selectors.topic_cards, topic))
    depends_on(request, tags.tag(Topic, topic.pk))
    if not page.object_list and not others:
        # A topic that only unpublished stories carry stays unknown: its name
        # alone could give away an embargoed story.
        raise Http404("No public stories on this topic")
    name = topic.display_name
    description = topic.description or _("Stories on %(topic)s.") % {"topic": name}
    return render(
        request,
        "newsroom/topic_detail.html",
        {
            "topic": topic,
            "page": page,
            "other_editions": others,
            "meta": page_meta(request, title=name, description=description, page=page),
            "breadcrumbs": [(_("Topics"), reverse("newsroom:topic-list")), (name, "")],
        },
    )


def author_detail(request, slug):
    author = Author.objects.filter(slug=slug).first()
    if author is None:
        raise Http404("No such page")
    page, others = paginate_editions(request, functools.partial(selectors.author_cards, author))
    depends_on(request, tags.tag(Author, author.pk))
    return render(
        request,
        "newsroom/author_detail.html",
        {
            "author": author,
            "page": page,
            "other_editions": others,
            "meta": page_meta(
                request,
                title=author.name,
                description=author.display_bio or _("Stories by %(name)s.") % {"name": author.name},
                type="profile",
                page=page,
            ),
            "breadcrumbs": [(author.name, "")],
        },
    )


def corrections(request):
    """Every correction on a public article, newest first: what was wrong,
    when it was put right, and the story it belongs to."""
    public_corrections = (
        Correction.objects.filter(article__in=Article.objects.published().values("pk"))
        .select_related("article")
        .defer("article__body", "article__search_vector")
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, public_corrections)
    return render(
        request,
        "newsroom/corrections.html",
        {
            "page": page,
            "meta": page_meta(
                request,
                title=_("Corrections"),
                description=_("Every correction we have made to a published story, newest first."),
                page=page,
            ),
            "breadcrumbs": [(_("Corrections"), "")],
        },
    )


def page_not_found(request, exception=None):
    context = {"meta": PageMeta(title=_("Page not found"), noindex=True), "not_found": True}
    return render(request, "404.html", context, status=404)


def server_error(request):
    # No request context: context processors and the header's navigation may
    # need the database, and the database may be why we are here.
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        # The database failed outside a view (in a middleware): same answer
        # as DatabaseUnavailableMiddleware gives for views.
        return database_unavailable(request)
    language = editions.split_path(request.path_info)[0]
    with translation.override(language):
        html = loader.get_template("500.html").render(
            {"SITE_NAME": settings.SITE_NAME, "ui_lang": language, "home": editions.edition_path("/", language)}
        )
    response = HttpResponseServerError(html)
    response["Content-Language"] = language
    return response


def health(request):
    """Liveness check: answers without touching the database or the cache."""
    return HttpResponse("ok", content_type="text/plain")
