"""The admin in each person's language: Spanish unless they choose English
(settings.ADMIN_LANGUAGE_CODE is the language of those who chose none).

Reader pages take their language from the address (newsroom.core.editions);
the admin is not an edition. Before login it speaks the browser's language;
once someone is logged in, the one they chose with the switch in the
admin's header (``choose_view``), stored in StaffPreferences, so it follows
them from one computer to the next.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from newsroom.core.editions import ADMIN_PREFIX
from newsroom.models import StaffPreferences

#: Where a session keeps its person's choice.
SESSION_KEY = "newsroom_admin_language"


def chosen(user) -> str:
    """The language ``user`` reads the admin in."""
    stored = StaffPreferences.objects.filter(user=user).values_list("language", flat=True).first()
    return stored or settings.ADMIN_LANGUAGE_CODE


class AdminLanguageMiddleware:
    """Speaks the admin in the logged-in person's language (after
    AuthenticationMiddleware; EditionMiddleware, further out, restores the
    thread's language afterwards)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(ADMIN_PREFIX) or not request.user.is_authenticated:
            return self.get_response(request)
        # Read once a session (choose_view keeps it current): the autosave's
        # calls every few seconds need no query for it.
        language = request.session.get(SESSION_KEY)
        if language not in dict(settings.LANGUAGES):
            language = request.session[SESSION_KEY] = chosen(request.user)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers["Content-Language"] = language
        return response


def choose_view(request):
    """POST "language" (and "next", the page to go back to): the admin
    speaks that language to this person from now on."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest("language must be one of: " + ", ".join(dict(settings.LANGUAGES)))
    StaffPreferences.objects.update_or_create(user=request.user, defaults={"language": language})
    request.session[SESSION_KEY] = language
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("admin:index")
    return HttpResponseRedirect(back)
