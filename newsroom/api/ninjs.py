"""A public article as an IPTC ninjs 2.0 news item (News in JSON), the form
news agencies and their clients exchange stories in: /api/v1/articles/<id>/ninjs.

Built from what the article's page reads (the row and its stored lists,
newsroom.site.article_page), so it costs the detail's one query. The tests
check every item against the official ninjs 2.0 JSON Schema, kept in
tests/data/ninjs/ with its source and licence.

How our records map:
- ``uri``: the article's address in this API, which outlives a new slug;
  ``altids`` add its id and slug. ``version``: its save count
  (``lock_version``); ``firstcreated``: its publication;
  ``versioncreated``: its last save.
- ``headlines``, ``descriptions`` (the dek, then each correction with the
  role "correction"), ``bodies`` (the sanitised HTML, with its word and
  character counts), ``by`` (the bylines).
- ``places`` are its countries, ``subjects`` its topics and the agreements it
  is about or mentions (``rel`` says which), ``people`` and
  ``organisations`` those it names. A record's ``uri`` is its Wikidata item
  when it has one, else its page here; ``literal`` is its address word (ISO
  code for a country).
- ``infosources``: the outlets it cites. ``associations``: its picture, as a
  ninjs picture item of its own.
- ``pubstatus`` is always "usable": nothing else is ever served.
"""

from __future__ import annotations

import html
import re

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.timezone import localtime

from alliances.models import ArticleAgreement
from newsroom.models import Article
from newsroom.site import article_page
from newsroom.site.jinja2 import http_url
from newsroom.site.views import absolute_url

SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.0.json#"
STANDARD = {"name": "ninjs", "version": "2.0", "schema": SCHEMA_URI}
IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}


def _moment(value) -> str:
    return localtime(value).isoformat()


def _record(name: str, record, *, rel: str | None = None, literal: str | None = None) -> dict:
    """A person, organisation, place or subject: its name, how the story
    relates to it, a URI (Wikidata's item, else its page) and a literal."""
    # (Read only when the stored lists hold it: a deferred field would cost
    # a query per record. Topics have none; linked agreements' lists lack it.)
    wikidata = "" if "wikidata_id" in record.get_deferred_fields() else getattr(record, "wikidata_id", "")
    item = {"name": name}
    if rel:
        item["rel"] = rel
    item["uri"] = f"https://www.wikidata.org/wiki/{wikidata}" if wikidata else absolute_url(record.get_absolute_url())
    item["literal"] = literal or record.slug
    return item


def _counts(body: str) -> tuple[int, int]:
    """Words and characters of the body's text, markup left out (each tag
    parts words, as a paragraph's end does) and entities read."""
    text = " ".join(html.unescape(strip_tags(body.replace("<", " <"))).split())
    return len(re.findall(r"\w+", text)), len(text)


def _picture(article: Article) -> dict:
    url = absolute_url(article.image.url)
    extension = article.image.name.rsplit(".", 1)[-1].lower()
    rendition = {"name": "original", "href": url}
    if extension in IMAGE_TYPES:
        rendition["contenttype"] = IMAGE_TYPES[extension]
    picture = {"name": "featureimage", "uri": url, "type": "picture", "renditions": [rendition]}
    descriptions = [
        {"role": role, "contenttype": "text/plain", "value": value}
        for role, value in (("alt", article.image_alt), ("caption", article.image_caption))
        if value
    ]
    if descriptions:
        picture["descriptions"] = descriptions
    if article.image_credit:
        picture["by"] = article.image_credit
    return picture


def item(article: Article) -> dict:
    """``article`` (public, with the detail's fields) as a ninjs 2.0 item."""
    lists = article_page.load(article)
    words, characters = _counts(article.body)
    descriptions = []
    if article.dek:
        descriptions.append({"role": "summary", "contenttype": "text/plain", "value": article.dek})
    descriptions += [{"role": "correction", "contenttype": "text/plain", "value": c.text} for c in lists.corrections]
    data = {
        "uri": absolute_url(reverse("api:article-detail", kwargs={"pk": article.pk})),
        "standard": STANDARD,
        "type": "text",
        "representationtype": "full",
        "version": str(article.lock_version + 1),
        "firstcreated": _moment(article.published_at),
        "versioncreated": _moment(article.updated_at),
        "pubstatus": "usable",
        "language": article.language,
        "copyrightholder": settings.SITE_NAME,
        "slugline": article.slug,
        "altids": [
            {"role": "id", "value": str(article.pk)},
            {"role": "url", "value": absolute_url(article.get_absolute_url())},
        ],
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": article.headline}],
        "descriptions": descriptions,
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/html",
                "value": article.body,
                "wordcount": words,
                "charcount": characters,
            }
        ],
        "by": ", ".join(byline.author.name for byline in lists.bylines),
        "places": [
            _record(str(country.display_name), country, rel="about", literal=country.iso2)
            for country in lists.countries
        ],
        "subjects": [
            *(_record(str(topic.display_name), topic, rel="topic") for topic in lists.topics),
            *(
                _record(
                    str(link.agreement.display_title),
                    link.agreement,
                    rel="about" if link.relation == ArticleAgreement.Relation.ABOUT else "mentions",
                )
                for link in lists.agreement_links
            ),
        ],
        "people": [_record(person.name, person, rel="mentions") for person in lists.people],
        "organisations": [_record(org.name, org, rel="mentions") for org in lists.organizations],
        "infosources": [
            {"name": source.outlet, **({"uri": url} if (url := http_url(source.url)) else {})}
            for source in lists.sources
        ],
        "trustindicators": [
            {
                "role": "https://schema.org/correctionsPolicy",
                "title": "Corrections",
                "href": absolute_url(reverse("newsroom:corrections")),
            }
        ],
    }
    if article.image:
        data["associations"] = [_picture(article)]
    # ninjs has no empty lists to say "none": leave them out.
    return {key: value for key, value in data.items() if value not in ([], "")}
