"""Reading a response the way an attacker would: everything it tells."""

from django.contrib.messages.storage.cookie import CookieStorage


def queued_messages(response) -> list[str]:
    """The messages ``response`` queued for the next page (Django keeps them
    in a signed cookie: signed, not encrypted, so the browser can read them)."""
    if "messages" not in response.cookies or not response.cookies["messages"].value:
        return []
    request = type("Request", (), {"COOKIES": {"messages": response.cookies["messages"].value}})()
    return [str(message) for message in CookieStorage(request)]


def text_of(response) -> str:
    """The body (streamed or not), the Location header and the queued
    messages of ``response``, as one text."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content).decode(errors="replace")
    else:
        body = response.content.decode(errors="replace")
    return " ".join([body, response.get("Location", ""), *queued_messages(response)])
