"""Old addresses keep working after a slug changes.

Models whose pages readers can bookmark (articles, agreements, authors,
topics) mix in ``KeepsOldAddresses``: an instance remembers the slug it was
loaded with, and ``save()`` calls ``leave_redirect()``, which announces
the move with the ``address_moved`` signal; the newsroom's Redirect table
listens (NewsroomConfig.ready) and answers the old address with a 301.
Doing it in the model, not in the admin, covers every path that renames
something: the admin, a restored version, the shell.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.conf import settings
from django.dispatch import Signal
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

# Sent with ``old_url`` and ``new_url`` when a saved record's public address
# changed. Core knows no tables: the app that keeps redirects listens.
address_moved = Signal()

# Whitespace and control characters (C0, DEL, C1): browsers drop tabs and
# newlines from an address before reading it, so "/\t/evil.example/" is
# "//evil.example/", another site.
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
# Enough rounds of percent-decoding for any nesting a person would type.
_DECODE_ROUNDS = 5


def path_key(url: str) -> str:
    """The form a path is stored and looked up in: percent-decoded, as
    ``request.path`` gives it ("/articles/díaz-canel/")."""
    return unquote(url)


def is_site_path(value: str) -> bool:
    """Whether ``value`` is a path on this site, and stays one however often
    a browser, a proxy or this code decodes it: it starts with one "/", and
    neither it nor any decoding of it holds a backslash (browsers read it as
    "/"), two slashes in a row, whitespace or a control character, or a
    scheme or host. "/%2F%2Fevil.example/" decodes to "///evil.example/",
    which browsers follow to evil.example, so it is not a site path."""
    seen = value
    for _round in range(_DECODE_ROUNDS + 1):
        if (
            not seen.startswith("/")
            or "\\" in seen
            or "//" in seen
            or _INVISIBLE.search(seen)
            or not url_has_allowed_host_and_scheme(seen, allowed_hosts=None)
        ):
            return False
        decoded = unquote(seen)
        if decoded == seen:
            return True
        seen = decoded
    # Still changing after that many rounds: nobody types such an address.
    return False


class KeepsOldAddresses:
    """Mixin for a model with a ``slug`` and a ``get_absolute_url()``."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_address()
        return instance

    def remember_address(self) -> None:
        # Only what is already loaded (a field's value is in the instance's
        # __dict__ once loaded): reading a deferred field here would cost a
        # query per row of every list.
        loaded = self.__dict__
        if "slug" not in loaded or not self.address_is_public(loaded):
            self._loaded_slug = None
        else:
            self._loaded_slug = self.slug

    def address_is_public(self, loaded: dict) -> bool:
        """Whether readers could reach the page at the remembered address
        (``loaded``: the instance's loaded fields by attribute name); a page
        nobody could open needs no redirect."""
        return True

    def address_for_slug(self, slug: str) -> str:
        current = self.slug
        self.slug = slug
        try:
            return self.get_absolute_url()
        finally:
            self.slug = current

    def forget_address(self) -> None:
        """Let the next save leave no redirect: the caller knows the record
        will not be public at its new address (an article renamed and
        pulled in one save), and the old address must not hand that one
        out."""
        self._loaded_slug = None

    def old_address_was_public(self) -> bool:
        """Asked after a save that changed the slug of an instance whose
        address was public when loaded: whether readers could really open
        it (a topic's page exists only while a public story carries it)."""
        return True

    def leave_redirect(self) -> None:
        """After a save: if the slug changed, the old address answers 301
        to the new one from now on."""
        old_slug = getattr(self, "_loaded_slug", None)
        if old_slug and old_slug != self.slug and self.old_address_was_public():
            # Recorded in the default edition, which stands for all of them
            # (newsroom.site.views.moved_to); a story's address is its own
            # language's whatever is active.
            with translation.override(settings.LANGUAGE_CODE):
                old_url, new_url = self.address_for_slug(old_slug), self.get_absolute_url()
            address_moved.send(sender=type(self), old_url=old_url, new_url=new_url)
        self.remember_address()
