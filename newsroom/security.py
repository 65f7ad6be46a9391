"""Content-Security-Policy with one policy for readers and one for the admin.

The public pages run no inline script at all, so their policy allows scripts
and styles from this origin only. The admin's rich-text editor loads its
modules through an inline import map, so the admin policy also allows inline
script; it still forbids every other origin, plugins and framing.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class NewsroomCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith("/admin/"):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
        return parts
