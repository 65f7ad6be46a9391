"""Writing the renditions of article images (the widths, formats and names
are newsroom.core.renditions').

Made with Pillow, which the project already uses to check uploads: well
kept (releases every quarter, security fixes promptly), in every
distribution, with WebP and JPEG built into its wheels, and fast enough for
a few copies per upload. A wrapper such as easy-thumbnails or sorl-thumbnail
would add a cache table and template tags the pages do not need: the names
are fixed, so a page knows them without a lookup.

Each copy is written once: an existing name is left alone, and a replaced
image gets new names (they follow the stored file's name, which a new upload
changes). The work runs after the save commits, on the task queue
(newsroom.stored.followups); until it is done the page shows the original.
The article's ``image_renditions`` then records what exists:
{"source": stored name, "width", "height", "widths": [...]}.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from newsroom.core.renditions import FORMATS, rendition_name, widths_for
from newsroom.models import Article

# Quality settings: WebP at 62 and progressive JPEG at 76 keep a
# photograph's detail at the sizes shown (on a phone's dense screen, where
# most readers are, compression shows least), at a tenth or less of the
# original's bytes (tests/test_renditions.py).
WEBP = {"format": "WEBP", "quality": 62, "method": 4}
JPEG = {"format": "JPEG", "quality": 76, "optimize": True, "progressive": True}
SAVE_OPTIONS = {"webp": WEBP, "jpg": JPEG}


def render(source: str, storage=default_storage) -> dict:
    """Write every rendition of the stored image ``source`` that is not
    written yet; return its renditions document."""
    with storage.open(source, "rb") as handle:
        original = Image.open(handle)
        original.load()
    # A phone photo's orientation is a tag; the copies are turned upright.
    image = ImageOps.exif_transpose(original)
    if image.mode not in ("RGB", "L"):
        # Transparency onto white: a JPEG has none, and a page's background is light.
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    width, height = image.size
    widths = widths_for(width)
    for target in widths:
        names = {suffix: rendition_name(source, target, suffix) for suffix, _mime in FORMATS}
        missing = {suffix: name for suffix, name in names.items() if not storage.exists(name)}
        if not missing:
            continue
        copy = image if target == width else image.resize((target, round(height * target / width)), Image.LANCZOS)
        for suffix, name in missing.items():
            buffer = io.BytesIO()
            copy.convert("RGB").save(buffer, **SAVE_OPTIONS[suffix])
            storage.save(name, ContentFile(buffer.getvalue()))
    return {"source": source, "width": width, "height": height, "widths": widths}


def refresh(article_ids: Iterable[int]) -> list[int]:
    """Make the renditions of these articles' images and record them.
    Returns the ids whose record changed. An image that cannot be read is
    left without renditions (the page shows the original)."""
    written = []
    for pk, source, document in Article.objects.filter(pk__in=list(article_ids)).values_list(
        "pk", "image", "image_renditions"
    ):
        if not source:
            new = None
        elif document and document.get("source") == source:
            continue
        else:
            try:
                new = render(source)
            except (OSError, ValueError, Image.DecompressionBombError):
                new = None
        if new != document:
            Article.objects.filter(pk=pk, image=source).update(image_renditions=new)
            written.append(pk)
    return written


def refresh_missing() -> list[int]:
    """The renditions of every image that has none yet, or none of its
    current file (``manage.py renditions``)."""
    ids = [
        pk
        for pk, source, document in Article.objects.exclude(image="").values_list("pk", "image", "image_renditions")
        if not document or document.get("source") != source
    ]
    return refresh(ids)
