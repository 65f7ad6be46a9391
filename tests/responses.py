"""Reading responses and pages in tests: what they tell a reader, an editor
or an attacker. Helpers shared by the test modules."""

import xml.etree.ElementTree as ET
from html import unescape

from django.contrib.messages import get_messages
from django.urls import reverse


def change_url(obj) -> str:
    """The admin change page of ``obj``."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def messages_of(response) -> list[str]:
    """The messages a rendered admin page shows."""
    return [str(m) for m in response.context["messages"]]


def page_text(response) -> str:
    """The body with HTML entities decoded."""
    return unescape(response.content.decode())


def parse_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - the site's own output, parsed to prove it is valid XML


def no_horizontal_overflow(page, width: int) -> None:
    """A Playwright page fits its viewport's width."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at a {width}px viewport"  # noqa: S101


def queued_messages(response) -> list[str]:
    """The messages the request behind ``response`` left for the user, in
    whichever storage they went (Django's default keeps them in a cookie,
    signed but readable, and in the session when they do not fit)."""
    request = getattr(response, "wsgi_request", None)
    return [str(message) for message in get_messages(request)] if request is not None else []


def body_of(response) -> str:
    """The body, streamed or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def text_of(response) -> str:
    """The body, the Location header and the messages of ``response``, as
    one text."""
    return " ".join([body_of(response), response.get("Location", ""), *queued_messages(response)])
