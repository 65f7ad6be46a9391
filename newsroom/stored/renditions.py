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
{"source": stored name, "digest": a hash of its bytes, "width", "height",
"widths": [...]} (no widths: it could not be copied; the page shows the
original). The copies of a replaced or removed image are deleted.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from alliances.models import Organization, Person
from newsroom.core.renditions import FORMATS, MAX_SOURCE_PIXELS, rendition_name, widths_for
from newsroom.models import Article, Author

# Quality settings: WebP at 62 and progressive JPEG at 76 keep a
# photograph's detail at the sizes shown (on a phone's dense screen, where
# most readers are, compression shows least), at a tenth or less of the
# original's bytes (tests/test_renditions.py).
WEBP = {"format": "WEBP", "quality": 62, "method": 4}
JPEG = {"format": "JPEG", "quality": 76, "optimize": True, "progressive": True}
SAVE_OPTIONS = {"webp": WEBP, "jpg": JPEG}


def render(source: str, storage=default_storage) -> dict:
    """Write every rendition of the stored image ``source`` that is not
    written yet; return its renditions document. An original too large to
    decode safely, or one that is not an image, gets a document without
    widths: the page shows it as it is, and saves do not try again."""
    with storage.open(source, "rb") as handle:
        data = handle.read()
    digest = hashlib.blake2b(data, digest_size=6).hexdigest()
    failed = {"source": source, "digest": digest, "width": 0, "height": 0, "widths": []}
    try:
        original = Image.open(io.BytesIO(data))
        if original.width * original.height > MAX_SOURCE_PIXELS:
            return failed
        original.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return failed
    # A phone photo's orientation is a tag; the copies are turned upright.
    image = ImageOps.exif_transpose(original)
    if image.mode not in ("RGB", "L"):
        # Transparency onto white: a JPEG has none, and a page's background is light.
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    image = image.convert("RGB")
    width, height = image.size
    widths = widths_for(width)
    # Largest first, each copy made from the one before: a sixth of the
    # work of scaling the whole original down six times.
    copy = image
    for target in sorted(widths, reverse=True):
        if target != copy.width:
            copy = copy.resize((target, max(1, round(height * target / width))), Image.LANCZOS)
        for suffix, _mime in FORMATS:
            name = rendition_name(source, digest, target, suffix)
            if not storage.exists(name):
                buffer = io.BytesIO()
                copy.save(buffer, **SAVE_OPTIONS[suffix])
                storage.save(name, ContentFile(buffer.getvalue()))
    return {"source": source, "digest": digest, "width": width, "height": height, "widths": widths}


# Each kind of record with an image: (model, image field, record field).
IMAGES = {
    "newsroom.article": (Article, "image", "image_renditions"),
    "newsroom.author": (Author, "photo", "photo_renditions"),
    "alliances.person": (Person, "photo", "photo_renditions"),
    "alliances.organization": (Organization, "photo", "photo_renditions"),
}


def forget(document: dict | None, model=Article, field: str = "image", storage=default_storage) -> None:
    """Delete the copies ``document`` records (the image was replaced or
    removed: its copies must not stay reachable), unless another record
    still shows the same stored file (a translation shares its story's)."""
    if not document or not document.get("widths"):
        return
    if model.objects.filter(**{field: document["source"]}).exists():
        return
    for width in document["widths"]:
        for suffix, _mime in FORMATS:
            storage.delete(rendition_name(document["source"], document.get("digest", ""), width, suffix))


def refresh(ids: Iterable[int], label: str = "newsroom.article") -> list[int]:
    """Make the renditions of these records' images (articles by default;
    ``label`` names another kind of ``IMAGES``) and record them, deleting
    those of an image no record shows any more. Returns the ids whose
    record changed."""
    model, field, record = IMAGES[label]
    written = []
    for pk, source, document in model.objects.filter(pk__in=list(ids)).values_list("pk", field, record):
        if document and document.get("source") == source:
            continue
        new = render(source) if source else None
        if model.objects.filter(pk=pk, **{field: source}).update(**{record: new}):
            written.append(pk)
            forget(document, model, field)
    return written


def refresh_missing() -> dict[str, list[int]]:
    """The renditions of every image that has none yet, or none of its
    current file, by kind of record (``manage.py renditions``)."""
    done = {}
    for label, (model, field, record) in IMAGES.items():
        ids = [
            pk
            for pk, source, document in model.objects.exclude(**{field: ""}).values_list("pk", field, record)
            if not document or document.get("source") != source
        ]
        done[label] = refresh(ids, label)
    return done
