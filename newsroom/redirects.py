"""Old addresses keep working after a slug changes.

Models whose pages readers can bookmark (articles, agreements, authors,
topics) mix in ``KeepsOldAddresses``: an instance remembers the slug it was
loaded with, and ``save()`` calls ``leave_redirect()``, which asks the
``record_redirect`` service for a permanent redirect from the old address
to the new one. Doing it in the model, not in the admin, covers every path
that renames something: the admin, a restored version, the shell.
"""

from __future__ import annotations

from urllib.parse import unquote


def path_key(url: str) -> str:
    """The form a path is stored and looked up in: percent-decoded, as
    ``request.path`` gives it ("/articles/díaz-canel/")."""
    return unquote(url)


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

    def leave_redirect(self) -> None:
        """After a save: if the slug changed, the old address answers 301
        to the new one from now on."""
        old_slug = getattr(self, "_loaded_slug", None)
        if old_slug and old_slug != self.slug:
            from newsroom.services import record_redirect

            record_redirect(old_url=self.address_for_slug(old_slug), new_url=self.get_absolute_url())
        self.remember_address()
