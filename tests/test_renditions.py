"""Responsive images (issue "People, organisations and an edited front
page", point 3): an uploaded hero becomes WebP and JPEG copies at the widths
screens need, made once per image and width after the save, and pages give
the browser ``srcset``, ``sizes``, the original's width and height, and lazy
loading below the fold."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from newsroom.core.renditions import RENDITION_WIDTHS, rendition_name, widths_for
from newsroom.demo.image import photograph_jpeg
from newsroom.models import Article
from newsroom.stored import renditions
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.fixture(scope="module")
def photo() -> bytes:
    return photograph_jpeg()


def with_image(content: bytes, name: str = "photo.jpg", **kwargs) -> Article:
    article = ArticleFactory(public=True, language="es", image_alt="Tres presidentes", **kwargs)
    article.image.save(name, ContentFile(content))  # saves the article: the renditions follow
    article.refresh_from_db()
    return article


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 90, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def size_of(name: str) -> int:
    return default_storage.size(name)


def test_an_uploaded_photograph_gets_webp_and_jpeg_copies_at_every_width(photo):
    article = with_image(photo)
    document = article.image_renditions
    assert document == {"source": article.image.name, "width": 2400, "height": 1600, "widths": list(RENDITION_WIDTHS)}
    for width in RENDITION_WIDTHS:
        webp, fallback = (rendition_name(article.image.name, width, suffix) for suffix in ("webp", "jpg"))
        with default_storage.open(webp) as handle:
            image = Image.open(handle)
            assert (image.format, image.size) == ("WEBP", (width, round(1600 * width / 2400)))
        with default_storage.open(fallback) as handle:
            assert Image.open(handle).format == "JPEG"
        assert size_of(webp) < size_of(fallback)
    # The copy a 375 px phone at twice the density loads weighs what a news
    # photo's does: the yardstick of the page-weight budget is not a kind one.
    assert 30_000 < size_of(rendition_name(article.image.name, 800, "webp")) < 60_000
    assert size_of(rendition_name(article.image.name, 800, "webp")) < len(photo) / 10


def test_each_copy_is_made_once(photo, monkeypatch):
    article = with_image(photo)
    saved = []
    monkeypatch.setattr(default_storage, "save", lambda name, content: saved.append(name) or name)
    Article.objects.filter(pk=article.pk).update(image_renditions=None)
    assert renditions.refresh([article.pk]) == [article.pk]
    assert saved == []  # every file was there already
    article.headline = "A new headline"
    article.save()  # not the image: nothing is queued, nothing made
    assert saved == []


def test_a_smaller_original_is_never_enlarged():
    article = with_image(jpeg(1000, 500))
    assert widths_for(1000) == [240, 480, 800, 1000]
    assert article.image_renditions["widths"] == [240, 480, 800, 1000]


def test_a_replaced_image_gets_its_own_copies_and_the_page_never_mixes_them(photo, client):
    article = with_image(photo)
    first = article.image.name
    article.image.save("other.jpg", ContentFile(jpeg(1200, 800)))
    article.refresh_from_db()
    assert article.image_renditions["source"] == article.image.name != first
    html = client.get(article.get_absolute_url()).content.decode()
    assert rendition_name(article.image.name, 800, "webp").rsplit("/", 1)[0] in html
    assert rendition_name(first, 800, "webp").rsplit("/", 1)[0] not in html


def test_until_the_copies_exist_the_page_shows_the_original(photo, client):
    article = with_image(photo)
    Article.objects.filter(pk=article.pk).update(image_renditions=None)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<picture" not in html
    assert f'src="{article.image.url}"' in html


def test_an_unreadable_image_gets_no_copies_and_no_error(client):
    article = with_image(b"not an image at all", name="broken.jpg")
    assert article.image_renditions is None
    assert client.get(article.get_absolute_url()).status_code == 200


def test_the_hero_tells_the_browser_every_copy_its_size_and_its_room(photo, client):
    article = with_image(photo)
    html = client.get(article.get_absolute_url()).content.decode()
    hero = re.search(r'<figure class="hero">(.*?)</figure>', html, re.S).group(1)
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)">', hero)
    assert [entry.rsplit(" ", 1)[1] for entry in webp.group(1).split(", ")] == [f"{w}w" for w in RENDITION_WIDTHS]
    assert webp.group(2) == "(min-width: 48rem) 48rem, 100vw"
    img = re.search(r"<img [^>]+>", hero).group(0)
    assert 'width="2400" height="1600"' in img
    assert 'alt="Tres presidentes"' in img
    # The first thing a reader sees loads at once. (No fetchpriority: the Nu
    # HTML Checker the project validates with does not know the attribute.)
    assert 'loading="lazy"' not in img
    assert re.search(r'src="[^"]+/800\.jpg"', img)


def test_cards_load_their_copies_lazily(photo, client):
    with_image(photo, headline="Con foto", topics=["Sanciones"])
    ArticleFactory(public=True, language="es", headline="La más nueva", topics=["Sanciones"])
    html = client.get("/topics/sanciones/").content.decode()
    card = re.search(r'<a class="card-image"[^>]*>(.*?)</a>', html, re.S).group(1)
    assert '<source type="image/webp"' in card
    assert 'loading="lazy"' in card
    assert 'sizes="(min-width: 40rem) 13rem, 6.5rem"' in card
