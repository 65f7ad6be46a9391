"""The site's editions: one per language of settings.LANGUAGES.

The reader pages of the default language (LANGUAGE_CODE, Spanish) are at
/..., those of each other language under its code (/en/...), with the same
path words in every edition (/topics/, /en/topics/). The address alone
decides the language of a reader page: no Accept-Language, no cookie, so
each page has one cached copy and no ``Vary: Accept-Language``. The admin is
not an edition: before login it speaks the browser's language, else
ADMIN_LANGUAGE_CODE; once someone is logged in, the language they chose
(newsroom.editorial.language).

Addresses outside the editions (the admin, /health/, /preview/, the sitemaps
and robots.txt) are unprefixed; an unprefixed address is in the default
language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

ADMIN_PREFIX = "/admin/"
# The URL namespaces of the reader pages, which every edition has (newsroom.urls).
NAMESPACES = ("newsroom", "alliances")


def default_language() -> str:
    return settings.LANGUAGE_CODE


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """The language as it names itself ("Español", "English")."""
    return dict(settings.LANGUAGES).get(code, code)


def split_path(path: str) -> tuple[str, str]:
    """(language, path in the default edition) for a site path:
    "/en/topics/" gives ("en", "/topics/"), "/topics/" gives ("es", "/topics/")."""
    for code in languages():
        if code == default_language():
            continue
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return code, path[len(prefix) - 1 :]
        if path == prefix[:-1]:
            return code, "/"
    return default_language(), path


def edition_path(path: str, language: str) -> str:
    """``path`` (of any edition) in the edition of ``language``."""
    _language, bare = split_path(path)
    if language == default_language():
        return bare
    return f"/{language}{bare}"


def other_languages(language: str) -> list[str]:
    return [code for code in languages() if code != language]


class InLanguage(str):
    """Text that knows the language it is written in (``lang``), so that a
    page in another edition can mark it (the ``lang_attr`` template global)."""

    lang: str

    def __new__(cls, text: str, lang: str):
        value = super().__new__(cls, text)
        value.lang = lang
        return value


def in_edition(forms: dict[str, str], language: str | None = None) -> InLanguage:
    """The form of a name or text in ``language`` (the active one), else the
    first non-empty one in the order of settings.LANGUAGES, knowing which it
    is. ``forms`` maps language codes to the text in that language; an empty
    text is a missing one."""
    language = language or translation.get_language() or default_language()
    if forms.get(language):
        return InLanguage(forms[language], language)
    for code in languages():
        if forms.get(code):
            return InLanguage(forms[code], code)
    return InLanguage("", language)


def _admin_language(request) -> str:
    if not request.META.get("HTTP_ACCEPT_LANGUAGE") and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        return settings.ADMIN_LANGUAGE_CODE
    return translation.get_language_from_request(request)


class EditionMiddleware:
    """Activates the request's language: the edition's, read from the path,
    or for the admin the browser's. Reader responses say their language in
    ``Content-Language``; only the admin's vary with Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin = request.path_info.startswith(ADMIN_PREFIX)
        language = _admin_language(request) if admin else split_path(request.path_info)[0]
        # The language is the thread's until the response is built (views
        # render before they return); then the one before is back, so that
        # nothing run later on this thread links into this edition.
        previous = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.activate(previous)
        if admin:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
