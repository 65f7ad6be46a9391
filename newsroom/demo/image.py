"""The launch story's hero image, drawn with Pillow.

The demo has no rights to a press photo of the three leaders, and a picture
that pretended to be one would mislead readers. So the image is an honest
illustration: three overlapping circles, each striped in one country's flag
colours (Iran, Russia, Cuba), blended where they meet. The drawing is
deterministic, so every run produces the same file.
"""

from __future__ import annotations

import functools
import io
import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900
# Drawn at twice the size and scaled down: Pillow does not antialias shapes.
SCALE = 2
PAPER = (246, 243, 236)
SOFTEN = 0.3

IRAN = ((35, 159, 64), (255, 255, 255), (218, 0, 0))
RUSSIA = ((255, 255, 255), (0, 57, 166), (213, 43, 30))
CUBA_BLUE, CUBA_RED = (0, 42, 143), (207, 20, 43)


def _striped_disc(size: int, stripes: list[tuple[int, int, int]]) -> Image.Image:
    """A square RGB tile of horizontal stripes, to be cut to a circle."""
    tile = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(tile)
    band = size / len(stripes)
    for i, colour in enumerate(stripes):
        draw.rectangle([0, round(i * band), size, round((i + 1) * band)], fill=colour)
    return tile


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _cuba_tile(size: int) -> Image.Image:
    tile = _striped_disc(size, [CUBA_BLUE, (255, 255, 255), CUBA_BLUE, (255, 255, 255), CUBA_BLUE])
    draw = ImageDraw.Draw(tile)
    draw.polygon([(0, 0), (size * 0.62, size / 2), (0, size)], fill=CUBA_RED)
    draw.polygon(_star(size * 0.2, size / 2, size * 0.11), fill=(255, 255, 255))
    return tile


def _layer(tile: Image.Image, centre: tuple[int, int], radius: int, canvas: tuple[int, int]) -> Image.Image:
    """A white canvas with ``tile`` cut to a circle at ``centre``: white is
    neutral under multiply, so only the disc tints what lies beneath it."""
    layer = Image.new("RGB", canvas, (255, 255, 255))
    mask = Image.new("L", tile.size, 0)
    ImageDraw.Draw(mask).ellipse([0, 0, tile.size[0] - 1, tile.size[1] - 1], fill=255)
    layer.paste(tile, (centre[0] - radius, centre[1] - radius), mask)
    return layer


@functools.cache
def hero_image_png() -> bytes:
    """The PNG bytes of the launch story's illustration (the same every time,
    so drawn once per process)."""
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    radius = 300 * SCALE
    size = radius * 2
    centres = [
        (w // 2 - 190 * SCALE, h // 2 - 105 * SCALE),  # Iran
        (w // 2 + 190 * SCALE, h // 2 - 105 * SCALE),  # Russia
        (w // 2, h // 2 + 120 * SCALE),  # Cuba
    ]
    tiles = [_striped_disc(size, list(IRAN)), _striped_disc(size, list(RUSSIA)), _cuba_tile(size)]
    # Softened toward white so that where two or three discs overlap the
    # colours deepen instead of turning black.
    tiles = [Image.blend(tile, Image.new("RGB", tile.size, (255, 255, 255)), SOFTEN) for tile in tiles]

    image = Image.new("RGB", (w, h), PAPER)
    for tile, centre in zip(tiles, centres, strict=True):
        image = ImageChops.multiply(image, _layer(tile, centre, radius, (w, h)))

    # A thin ring round each disc keeps the shapes legible where pale
    # stripes meet the paper.
    draw = ImageDraw.Draw(image)
    for cx, cy in centres:
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=(120, 118, 112), width=2 * SCALE)

    image = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def photograph_jpeg(width: int = 2400, height: int = 1600, seed: int = 7) -> bytes:
    """A stand-in for a press photograph, as a JPEG at quality 90: what the
    page-weight budget of a story is measured with (tests/test_page_weight.py,
    bench/run.py). Not shown in the demo. The flat illustration above
    compresses far better than a photograph would, so it would flatter the
    measurement; this one has what a photograph has: a light gradient, many
    overlapping soft shapes of every size, texture at middle and fine scale.
    At 800 px its WebP weighs about what a news photo's does (40-50 KB;
    tests/test_renditions.py keeps it in that range)."""
    rng = random.Random(seed)  # noqa: S311 - a picture, the same every run; nothing secret

    def noise(cells: int) -> Image.Image:
        # Random values on a coarse grid, smoothly enlarged: detail of one scale.
        w, h = max(2, width * cells // 2400), max(2, height * cells // 2400)
        return Image.frombytes("L", (w, h), rng.randbytes(w * h)).resize((width, height), Image.BICUBIC)

    light = Image.linear_gradient("L").resize((width, height))
    scene = Image.merge("RGB", [light.point(lambda v, a=a, b=b: int(v * a + b)) for a, b in SKY])
    draw = ImageDraw.Draw(scene)
    for _ in range(700):
        size = int(width * rng.choice((0.25, 0.1, 0.05, 0.02, 0.01)) * rng.uniform(0.5, 1.5))
        x, y = rng.randrange(width), rng.randrange(height)
        base = rng.randrange(50, 200)
        colour = tuple(max(0, min(255, base + rng.randrange(-40, 40))) for _ in range(3))
        shape = draw.rectangle if rng.random() < 0.33 else draw.ellipse
        shape((x, y, x + size, y + int(size * rng.uniform(0.3, 2.5))), fill=colour)
    scene = scene.filter(ImageFilter.GaussianBlur(3))
    scene = Image.blend(scene, Image.merge("RGB", [noise(60)] * 3), 0.12)
    scene = Image.blend(scene, Image.merge("RGB", [noise(600)] * 3), 0.12)
    buffer = io.BytesIO()
    scene.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


# Per channel (red, green, blue): the gradient's scale and offset.
SKY = ((0.5, 90), (0.45, 100), (0.3, 120))
