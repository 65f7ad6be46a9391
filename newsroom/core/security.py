"""Content-Security-Policy with one policy for readers and one for the admin.

The public pages run no inline script at all, so their policy allows scripts
and styles from this origin only. The admin's rich-text editor loads its
modules through an inline import map, so the admin policy also allows inline
script; it still forbids every other origin, plugins and framing.
"""

import functools

from csp.constants import HEADER
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.dispatch import receiver
from django.test.signals import setting_changed


class NewsroomCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the readers' policy built once.

    django-csp builds the header from the settings for every response (a
    fifth of the time of a bare request, measured by
    bench/middleware_cost.py). A reader page never changes its policy (no
    view uses the per-view decorators, no template asks for a nonce), so
    outside the admin the header is the one built from the settings, kept
    until they change. A template that did ask for a nonce would get no
    nonce in the header: its inline script would be blocked, never
    allowed."""

    def process_response(self, request, response):
        special = (
            request.path_info.startswith("/admin/")
            or HEADER in response
            or settings.DEBUG  # django-csp leaves Django's debug pages alone
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        )
        if special:
            return super().process_response(request, response)
        policy = readers_policy()
        if policy:
            response[HEADER] = policy
        return response

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith("/admin/"):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
        return parts


@functools.cache
def readers_policy() -> str:
    """The readers' Content-Security-Policy header, from the settings."""
    return build_policy()


@receiver(setting_changed)
def _policy_changed(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        readers_policy.cache_clear()


def static_file_headers(headers, path: str, url: str) -> None:
    """WhiteNoise's hook for the headers of a static file. WhiteNoise answers
    /static/ before the policy middleware runs (that sits inside the page
    cache, so that a cached page is served with the headers it was stored
    with), so the files get the readers' policy here: an SVG opened by itself
    is a document, and the policy keeps any script in it from running."""
    policy = build_policy()
    if policy:
        headers[HEADER] = policy
