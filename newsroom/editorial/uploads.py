"""Limits on uploaded images, checked before a single pixel is decoded.

A PNG of one colour can say it is 10,000 x 10,000 pixels in 12 KB: the
server would accept it, and every reader's browser would then spend 400 MB
decoding it. So an upload is refused, as a form error, when

- the file is larger than ``MAX_IMAGE_BYTES`` (20 MB: a full-resolution
  agency photograph is 5-15 MB as JPEG), or
- its header declares more than ``MAX_IMAGE_PIXELS`` (40 megapixels: an
  8,000 x 5,000 picture; agency and newsroom cameras deliver 20-45, and a
  page never shows more than a few), or a side longer than
  ``MAX_IMAGE_SIDE`` (20,000 pixels), or
- it is not a still JPEG, PNG or WebP (what browsers show and photographs
  come as; an animation multiplies its pixels by its frames).

Pillow reads only the header to learn the size and the format; Django's own
check (which reads the whole file) runs only on what passed these.
"""

from __future__ import annotations

import warnings

from django import forms
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

from newsroom.core.renditions import MAX_SOURCE_PIXELS

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = MAX_SOURCE_PIXELS  # newsroom.core.renditions: the same limit for making copies
# A panorama may run wide, but a side past this is no photograph (and past
# 32,767 some browsers refuse to draw it at all).
MAX_IMAGE_SIDE = 20_000
# Pillow's names. MPO is the JPEG some cameras write with a second, smaller
# picture inside; browsers show its first.
IMAGE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
MAY_ANIMATE = {"PNG", "WEBP"}

# Pillow warns about a very large image as it opens its header (and refuses
# one over twice its own limit): the form says so in the editor's words, so
# the warning is noise. Set once, at import: changing warning filters per
# call is not safe in a threaded server.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


class LimitedImageField(forms.ImageField):
    """Django's ImageField, with the limits above checked first."""

    default_error_messages = {
        "too_large": _("This file is %(size)s; an image may be at most %(limit)s. Save it at a smaller size."),
        "too_many_pixels": _(
            "This image is %(width)d × %(height)d pixels (%(megapixels).1f megapixels); the limit is "
            "%(limit)d megapixels and %(side)s pixels on a side. Resize it (4,000 pixels across is plenty "
            "for the site) and upload it again."
        ),
        "format": _("Upload a JPEG, PNG or WebP image."),
        "animated": _("Upload a still image: animated images are not accepted."),
    }

    def to_python(self, data):
        if data in self.empty_values or not hasattr(data, "size"):
            return super().to_python(data)
        if data.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={"size": filesizeformat(data.size), "limit": filesizeformat(MAX_IMAGE_BYTES)},
            )
        self._check_header(data)
        return super().to_python(data)

    def _check_header(self, data) -> None:
        source = data.temporary_file_path() if hasattr(data, "temporary_file_path") else data
        try:
            with Image.open(source) as image:
                width, height = image.size
                kind = image.format
                animated = kind in MAY_ANIMATE and getattr(image, "is_animated", False)
        except Image.DecompressionBombError:
            # Pillow gives up above twice its own limit: certainly too many.
            raise forms.ValidationError(
                _("This image has far more than %(limit)d megapixels. Resize it and upload it again."),
                code="too_many_pixels",
                params={"limit": MAX_IMAGE_PIXELS // 1_000_000},
            ) from None
        except (OSError, SyntaxError, ValueError):
            # Not an image Pillow can read the header of: Django's own check
            # below says "Upload a valid image".
            return
        finally:
            if hasattr(data, "seek"):
                data.seek(0)
        if kind not in IMAGE_FORMATS:
            raise forms.ValidationError(self.error_messages["format"], code="format")
        if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
            raise forms.ValidationError(
                self.error_messages["too_many_pixels"],
                code="too_many_pixels",
                params={
                    "width": width,
                    "height": height,
                    "megapixels": width * height / 1_000_000,
                    "limit": MAX_IMAGE_PIXELS // 1_000_000,
                    "side": f"{MAX_IMAGE_SIDE:,}",
                },
            )
        if animated:
            raise forms.ValidationError(self.error_messages["animated"], code="animated")


#: For a ModelAdmin's ``formfield_overrides``: every image field of its form
#: gets the limits (tests/test_door_checks.py checks every registered admin).
IMAGE_UPLOADS = {models.ImageField: {"form_class": LimitedImageField}}
