"""Tags the base template and its includes use on every page."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.utils.encoding import iri_to_uri

from newsroom import selectors

register = template.Library()

NAV_TOPICS = 6
NAV_COUNTRIES = 6


@register.inclusion_tag("includes/site_nav.html")
def site_nav():
    """The header's main topics and countries: the most covered ones, from a
    short-lived cache (two queries when it is cold, none when warm)."""
    sections = selectors.active_sections()
    return {"topics": sections["topics"][:NAV_TOPICS], "countries": sections["countries"][:NAV_COUNTRIES]}


@register.simple_tag
def site_language() -> str:
    """The language of the site's own words (menus, labels). Article pages
    override <html lang> with the article's language."""
    return settings.LANGUAGE_CODE


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """Address of page ``number`` of the current list, keeping the validated
    filters in ``page_query`` (never the raw query string)."""
    params = list(context.get("page_query") or [])
    if number > 1:
        params.append(("page", number))
    path = iri_to_uri(context["request"].path)
    return f"{path}?{urlencode(params)}" if params else path


@register.filter
def http_url(value: str) -> str:
    """``value`` if it is an http(s) address, else "". Model validation
    already refuses other schemes; this guards rows written around it, so a
    "javascript:" link can never reach a reader."""
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""
