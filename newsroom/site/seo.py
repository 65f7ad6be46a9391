"""Structured data for search engines: the article's JSON-LD, built as a
dict in Python and written out with json_script's escaping, so no text an
editor typed can close the <script> element."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from alliances.models import Agreement, ArticleAgreement, Organization, Person
from newsroom.editorial import translations
from newsroom.models import Article
from newsroom.site import article_page
from newsroom.site.views import absolute_url


def json_for_script(data) -> str:
    """The same escapes Django's json_script applies: with <, > and & written
    as \\u escapes, "</script>" or "<!--" inside a string cannot end the
    element. (Three replace() calls: str.translate with a table took 40 µs
    on an article's JSON-LD, which holds its text.)"""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")


def json_ld(data):
    """``data`` as a <script type="application/ld+json"> element."""
    # mark_safe is sound here: every <, > and & was escaped just above.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(json_for_script(data)))  # noqa: S308


def _country(country) -> dict:
    node = {"@type": "Country", "name": country.display_name, "url": absolute_url(country.get_absolute_url())}
    if country.wikidata_id:
        node["sameAs"] = f"https://www.wikidata.org/wiki/{country.wikidata_id}"
    return node


def _agreement(agreement) -> dict:
    return {
        "@type": "Legislation",
        "name": agreement.display_title,
        "url": absolute_url(agreement.get_absolute_url()),
        "legislationType": agreement.get_kind_display(),
    }


# What schema.org's legislationLegalForce says of each status: in force, or
# not (yet, or any longer). "Status not reported" says nothing.
LEGAL_FORCE = {
    **dict.fromkeys(Agreement.Status.values, "https://schema.org/NotInForce"),
    Agreement.Status.IN_FORCE: "https://schema.org/InForce",
    Agreement.Status.UNKNOWN: None,
}


def agreement_structured_data(agreement: Agreement) -> dict:
    """The agreement as a schema.org ``Legislation``, from its stored lists
    (alliances.agreement_page.fill: no queries): the page's JSON-LD and the
    API's ``schema_org``. Dates are EDTF strings at their precision ("2001",
    "2024-01"); the time in force an EDTF interval ("2001/2021", open-ended
    "2001/.."). What it replaces is ``legislationChanges``; the wider
    agreement it belongs to, ``isBasedOn``. The parties are its
    jurisdictions, each with its role."""
    lists = agreement.lists
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": absolute_url(agreement.get_absolute_url()) + "#agreement",
        "url": absolute_url(agreement.get_absolute_url()),
        "identifier": str(agreement.pk),
        "name": str(agreement.display_title),
        "legislationType": agreement.get_kind_display(),
        "creativeWorkStatus": agreement.get_status_display(),
        "description": str(agreement.display_summary),
        "keywords": [str(sector.display_name) for sector in lists.sectors],
        "legislationJurisdiction": [
            {
                "@type": "Role",
                "roleName": party.get_role_display(),
                "legislationJurisdiction": _party_country(party.country),
            }
            for party in lists.parties
        ],
        "legislationPassedBy": [
            {"@type": "Role", "roleName": p.get_role_display(), "legislationPassedBy": _profile_link(p.who)}
            for p in lists.participants
        ],
    }
    if force := LEGAL_FORCE.get(agreement.status):
        data["legislationLegalForce"] = force
    if signed := agreement.date_iso("signed_on"):
        data["legislationDate"] = signed
    if announced := agreement.date_iso("announced_on"):
        data["dateCreated"] = announced
    if in_force := agreement.date_iso("in_force_on"):
        data["legislationDateVersion"] = in_force
        data["temporalCoverage"] = f"{in_force}/{agreement.date_iso('expires_on') or '..'}"
    if expires := agreement.date_iso("expires_on"):
        data["expires"] = expires
    if lists.supersedes is not None:
        data["legislationChanges"] = _linked_agreement(lists.supersedes)
    if lists.part_of is not None:
        data["isBasedOn"] = _linked_agreement(lists.part_of)
    if agreement.wikidata_id:
        data["sameAs"] = agreement.wikidata_url
    return {key: value for key, value in data.items() if value not in ("", [])}


def _party_country(country) -> dict:
    """A party's country as the agreement's stored lists hold it (name,
    address and ISO code; its Wikidata id is on the country's own record,
    and reading it here would cost a query per party)."""
    url = absolute_url(country.get_absolute_url())
    return {"@type": "Country", "name": str(country.display_name), "url": url, "identifier": country.iso2}


def _linked_agreement(agreement: Agreement) -> dict:
    url = absolute_url(agreement.get_absolute_url())
    return {"@type": "Legislation", "@id": url + "#agreement", "url": url, "name": str(agreement.display_title)}


def _profile_link(record: Person | Organization) -> dict:
    kind = "Person" if isinstance(record, Person) else "Organization"
    return {"@type": kind, "name": record.name, "url": absolute_url(record.get_absolute_url())}


def agreement_json_ld(agreement: Agreement):
    return json_ld(agreement_structured_data(agreement))


# schema.org's more precise types for some kinds of organisation.
ORGANIZATION_TYPES = {
    Organization.Kind.GOVERNMENT: "GovernmentOrganization",
    Organization.Kind.MEDIA: "NewsMediaOrganization",
    Organization.Kind.BANK: "BankOrCreditUnion",
    Organization.Kind.COMPANY: "Corporation",
}


def _profile(record: Person | Organization, *, full: bool = False) -> dict:
    """A person or an organisation as a schema.org node: name, page, role,
    Wikidata ``sameAs``; with ``full``, what its own page adds (other names,
    the note, the photo)."""
    if isinstance(record, Person):
        node = {"@type": "Person", "name": record.name}
        if record.display_role:
            node["jobTitle"] = record.display_role
    else:
        node = {"@type": ORGANIZATION_TYPES.get(record.kind, "Organization"), "name": record.name}
        if record.description or record.description_en:
            node["description"] = record.display_role
    node["url"] = absolute_url(record.get_absolute_url())
    if record.wikidata_id:
        node["sameAs"] = record.wikidata_url
    if full:
        if record.alias_list:
            node["alternateName"] = record.alias_list
        if record.display_note:
            node["description"] = record.display_note
        if record.photo:
            node["image"] = absolute_url(record.photo.url)
    return node


def profile_json_ld(record: Person | Organization, page=None):
    """A person's or organisation's page as schema.org ``ProfilePage`` whose
    main entity is the record (no queries)."""
    data = {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": absolute_url(record.get_absolute_url()),
        "mainEntity": _profile(record, full=True),
    }
    return json_ld(data)


def article_structured_data(article: Article) -> dict:
    """schema.org NewsArticle for ``article``, from what the article page has
    already fetched (no queries of its own)."""
    url = absolute_url(article.get_absolute_url())
    lists = article_page.load(article)
    links = lists.agreement_links
    about = [_country(c) for c in lists.countries]
    about += [_agreement(link.agreement) for link in links if link.relation == ArticleAgreement.Relation.ABOUT]
    mentions = [_agreement(link.agreement) for link in links if link.relation == ArticleAgreement.Relation.MENTIONS]
    mentions += [_profile(p) for p in lists.people]
    mentions += [_profile(o) for o in lists.organizations]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.dek,
        "inLanguage": article.language,
        "author": [
            {"@type": "Person", "name": a.name, "url": absolute_url(a.get_absolute_url())}
            for a in article.ordered_authors()
        ],
        "publisher": {"@type": "NewsMediaOrganization", "name": settings.SITE_NAME, "url": settings.SITE_URL + "/"},
        "keywords": [t.display_name for t in lists.topics],
        "about": about,
        "mentions": mentions,
    }
    if article.image:
        data["image"] = [absolute_url(article.image.url)]
    if article.published_at:
        data["datePublished"] = localtime(article.published_at).isoformat()
        # The last substantive update (a correction, or an edit marked so),
        # not the last save: a typo fix does not make a story look fresh.
        data["dateModified"] = localtime(article.date_modified).isoformat()
    corrections = lists.corrections
    if corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": localtime(c.created_at).isoformat()}
            for c in corrections
        ]
    translation = lists.public_translation
    if translation is not None:
        # The pair's original (the article created first) names its
        # translation; the translation names the work it translates. Only
        # a public translation is named (ArticleLists.public_translation).
        relation = "workTranslation" if translations.is_original(article.pk, translation.pk) else "translationOfWork"
        data[relation] = {
            "@type": "NewsArticle",
            "url": absolute_url(translation.get_absolute_url()),
            "headline": translation.headline,
            "inLanguage": translation.language,
        }
    return data


def article_json_ld(article: Article):
    """The article's JSON-LD as a <script> element, for the article page."""
    return json_ld(article_structured_data(article))
