"""Old addresses answer with a 301 to where their page moved.

The way ``django.contrib.redirects`` does it: a fallback on 404. Whatever
view found "no such page" (an article, topic, author, country or agreement
whose slug changed), or whatever address matched no page at all (one an
editor redirected by hand), the Redirect table is asked once, on its unique
old_path index, before the 404 goes out. Views only say "not found".
"""

from django.http import Http404, HttpResponsePermanentRedirect

from newsroom.core.addresses import is_site_path
from newsroom.site.views import moved_to


class MovedPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and self._may_have_moved(request):
            # An address no URL pattern matches: the 404 page was built already.
            return self._moved(request) or response
        return response

    def process_exception(self, request, exception):
        # A view's "not found": answered before the 404 page is built.
        if isinstance(exception, Http404) and self._may_have_moved(request):
            request.newsroom_moved_checked = True  # asked once per request
            return self._moved(request)
        return None

    @staticmethod
    def _may_have_moved(request) -> bool:
        # Only an address that could be a stored old path is looked up: one
        # with a NUL or other control character never is (and PostgreSQL
        # refuses NUL in a query).
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith("/admin/")
            and not getattr(request, "newsroom_moved_checked", False)
            and is_site_path(request.path)
        )

    @staticmethod
    def _moved(request):
        target = moved_to(request.path)
        return HttpResponsePermanentRedirect(target) if target is not None else None
