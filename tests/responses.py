"""Reading a response the way an attacker would: everything it tells."""

from django.contrib.messages import get_messages


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
