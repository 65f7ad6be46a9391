"""Responsive renditions of an uploaded image: which widths and formats
exist, where each is stored, and the ``srcset`` a page gives the browser.

An article's hero image is uploaded once, at whatever size the photographer
delivered (often 3,000 px or more). Readers get a copy as wide as their
screen needs (``srcset`` and ``sizes`` let the browser pick), in WebP with
a JPEG fallback for browsers without it (``<picture>``). The copies are
written once per image and width, after the upload's save commits
(newsroom.stored.renditions); their names follow from the original's, so a
page can name them without looking anything up.

``RENDITION_WIDTHS``: a phone of 375 CSS px at twice the pixel density
needs 750 px (the 800 copy); the article column at its widest, 48rem, on
such a screen 1,536 (1,600); cards need 208 to 416 (240, 480).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

RENDITION_WIDTHS = (240, 480, 800, 1200, 1600, 2400)
# (file suffix, MIME type), the fallback last: the <img> element's.
FORMATS = (("webp", "image/webp"), ("jpg", "image/jpeg"))
FALLBACK = FORMATS[-1][0]
# The copy an <img> without srcset support loads.
DEFAULT_WIDTH = 800
FOLDER = "renditions"
# An original larger than this is not copied (the page shows it as it is):
# decoding it would take more memory than a worker should. The admin's
# uploads are held to the same (newsroom.editorial.uploads).
MAX_SOURCE_PIXELS = 40_000_000


def widths_for(original_width: int) -> list[int]:
    """The widths made of an image ``original_width`` px wide: every
    standard width below it, and the original's own when it is narrower than
    the largest (never an upscaled copy)."""
    widths = [w for w in RENDITION_WIDTHS if w < original_width]
    if original_width <= RENDITION_WIDTHS[-1]:
        widths.append(original_width)
    return widths


def rendition_name(source: str, digest: str, width: int, suffix: str) -> str:
    """Where the ``width`` px copy of the stored file ``source`` is kept:
    under ``FOLDER``, in a folder named by the original's whole stored name
    and ``digest``, a hash of its bytes. The name alone would not do: a file
    deleted from storage frees its name for the next upload, whose copies
    must never be taken for the old one's."""
    path = PurePosixPath(source)
    return f"{FOLDER}/{path.parent}/{path.name}-{digest}/{width}.{suffix}"


@dataclass(frozen=True)
class Picture:
    """What a page prints of an image with renditions: a ``srcset`` per
    format (``sources``, WebP first), the fallback ``src`` and the
    original's width and height, which reserve its room before it loads."""

    sources: tuple[tuple[str, str], ...]  # (MIME type, srcset) for <source>, then the <img>'s own
    src: str
    width: int
    height: int


def picture(document: dict | None, source: str, url) -> Picture | None:
    """The :class:`Picture` of the stored image ``source`` from its
    renditions ``document`` ({"source", "digest", "width", "height", "widths"},
    newsroom.stored.renditions), with ``url(name)`` the storage's address of
    a stored name; None when there are none yet, or they were made from
    another file (the image was replaced and the new copies are on their
    way): the page then shows the original."""
    if not document or not source or document.get("source") != source or not document.get("widths"):
        return None
    widths, digest = document["widths"], document.get("digest", "")
    sources = tuple(
        (mime, ", ".join(f"{url(rendition_name(source, digest, w, suffix))} {w}w" for w in widths))
        for suffix, mime in FORMATS
    )
    default = min(widths, key=lambda w: abs(w - DEFAULT_WIDTH))
    fallback = url(rendition_name(source, digest, default, FALLBACK))
    return Picture(sources, fallback, document["width"], document["height"])
