"""Data steps that migrations share (they run on historical models, so
they take the models as arguments)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from newsroom.core.text import SLUG_FORM, ascii_slug

BATCH = 1_000


def fold_slugs(
    model,
    redirect_model,
    path_of: Callable | None = None,
    *,
    public=None,
    fields: Sequence[str] = (),
) -> int:
    """Move every slug of ``model`` that is not in address form (accents,
    capitals: "Rusia-Abre", "línea") to it, leaving a 301 from each old
    address to the new one.

    - Rows are taken in the order they were made; one whose form is taken
      (by a slug already in that form, or by an earlier row that folded to
      it) gets the first free "-2", "-3"... and its own redirect.
    - ``path_of(slug, row)`` is the page's address, or None for records
      without a page (``fields``: what else of the row it reads); only rows
      in ``public`` (a queryset of the model) get a redirect: the address
      of a page readers could not open must not lead to its new name.
    - Redirects that led to an old address lead to the new one.

    Written in batches (a large archive moves tens of thousands of slugs).
    Returns how many slugs moved."""
    manager = model._default_manager
    max_length = model._meta.get_field("slug").max_length
    taken = set(manager.values_list("slug", flat=True))
    public_ids = set(public.values_list("pk", flat=True)) if public is not None else None
    moves = []  # (new row, old path, new path)
    rows = manager.exclude(slug__regex=SLUG_FORM).only("pk", "slug", *fields).order_by("pk")
    for row in rows.iterator(chunk_size=BATCH):
        base = ascii_slug(row.slug, max_length - 8) or "item"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        paths = (None, None)
        if path_of is not None and (public_ids is None or row.pk in public_ids):
            paths = (path_of(row.slug, row), path_of(slug, row))
        moves.append((model(pk=row.pk, slug=slug), *paths))
    # The new slugs are free (none of them is in use), so no batch can
    # collide with a row of a later one.
    manager.bulk_update([moved for moved, _old, _new in moves], ["slug"], batch_size=BATCH)
    redirects = {old: new for _moved, old, new in moves if old is not None}
    olds = list(redirects)
    for start in range(0, len(olds), BATCH):
        chunk = olds[start : start + BATCH]
        # A page at a new address needs no redirect away from it.
        redirect_model.objects.filter(old_path__in=[redirects[old] for old in chunk]).delete()
        for row in redirect_model.objects.filter(new_path__in=chunk):
            redirect_model.objects.filter(pk=row.pk).update(new_path=redirects[row.new_path])
        existing = set(redirect_model.objects.filter(old_path__in=chunk).values_list("old_path", flat=True))
        for old in existing:
            redirect_model.objects.filter(old_path=old).update(new_path=redirects[old])
        redirect_model.objects.bulk_create(
            [redirect_model(old_path=old, new_path=redirects[old]) for old in chunk if old not in existing]
        )
    return len(moves)
