"""Content-Security-Policy with one policy for readers and one for the admin.

The public pages run no inline script at all, so their policy allows scripts
and styles from this origin only. The admin's rich-text editor loads its
modules through an inline import map, so the admin policy also allows inline
script; it still forbids every other origin, plugins and framing.
"""

from csp.constants import HEADER
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings


class NewsroomCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith("/admin/"):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
        return parts


def static_file_headers(headers, path: str, url: str) -> None:
    """WhiteNoise's hook for the headers of a static file. WhiteNoise answers
    /static/ before the policy middleware runs (that sits inside the page
    cache, so that a cached page is served with the headers it was stored
    with), so the files get the readers' policy here: an SVG opened by itself
    is a document, and the policy keeps any script in it from running."""
    policy = build_policy()
    if policy:
        headers[HEADER] = policy
