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
    digest = document["digest"]
    assert document == {
        "source": article.image.name,
        "digest": digest,
        "width": 2400,
        "height": 1600,
        "widths": list(RENDITION_WIDTHS),
    }
    for width in RENDITION_WIDTHS:
        webp, fallback = (rendition_name(article.image.name, digest, width, suffix) for suffix in ("webp", "jpg"))
        with default_storage.open(webp) as handle:
            image = Image.open(handle)
            assert (image.format, image.size) == ("WEBP", (width, round(1600 * width / 2400)))
        with default_storage.open(fallback) as handle:
            assert Image.open(handle).format == "JPEG"
        assert size_of(webp) < size_of(fallback)
    # The copy a 375 px phone at twice the density loads weighs what a news
    # photo's does: the yardstick of the page-weight budget is not a kind one.
    phone_copy = size_of(rendition_name(article.image.name, digest, 800, "webp"))
    assert 30_000 < phone_copy < 60_000
    assert phone_copy < len(photo) / 10


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


def test_a_replaced_image_gets_its_own_copies_and_the_old_ones_are_deleted(photo, client):
    article = with_image(photo)
    first = article.image_renditions
    old_copy = rendition_name(first["source"], first["digest"], 800, "webp")
    article.image.save("other.jpg", ContentFile(jpeg(1200, 800)))
    article.refresh_from_db()
    document = article.image_renditions
    assert document["source"] == article.image.name != first["source"]
    html = client.get(article.get_absolute_url()).content.decode()
    assert rendition_name(document["source"], document["digest"], 800, "webp") in html
    assert old_copy.rsplit("/", 1)[0] not in html
    assert not default_storage.exists(old_copy)  # a replaced picture is not left reachable


def test_files_of_the_same_name_never_share_copies():
    """photo.jpg and photo.png (or a new upload that takes a deleted file's
    name) are different pictures: each has copies of its own."""
    first = with_image(jpeg(1000, 500), name="same.jpg").image_renditions
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 500), (10, 200, 10)).save(buffer, "PNG")
    second = with_image(buffer.getvalue(), name="same.png").image_renditions
    names = {rendition_name(d["source"], d["digest"], 800, "webp") for d in (first, second)}
    assert len(names) == 2
    with default_storage.open(rendition_name(second["source"], second["digest"], 800, "webp")) as handle:
        assert Image.open(handle).convert("RGB").getpixel((10, 10))[1] > 150  # the green one


def test_a_translation_sharing_the_picture_keeps_its_copies(photo):
    article = with_image(photo)
    twin = ArticleFactory(public=True, language="en")
    Article.objects.filter(pk=twin.pk).update(image=article.image.name, image_renditions=article.image_renditions)
    document = article.image_renditions
    article.image = ""
    article.save()
    article.refresh_from_db()
    assert article.image_renditions is None
    assert default_storage.exists(rendition_name(document["source"], document["digest"], 800, "webp"))


def test_until_the_copies_exist_the_page_shows_the_original(photo, client):
    article = with_image(photo)
    Article.objects.filter(pk=article.pk).update(image_renditions=None)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<picture" not in html
    assert f'src="{article.image.url}"' in html


def test_an_unreadable_image_gets_no_copies_no_error_and_no_second_try(client, monkeypatch):
    article = with_image(b"not an image at all", name="broken.jpg")
    assert article.image_renditions["widths"] == []
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "<picture" not in response.content.decode()
    tried = []
    monkeypatch.setattr(renditions, "render", lambda source: tried.append(source))
    article.headline = "Edited"
    article.save()
    assert tried == []


def test_an_original_too_large_to_decode_safely_is_shown_as_it_is(monkeypatch):
    monkeypatch.setattr(renditions, "MAX_SOURCE_PIXELS", 1_000_000)
    article = with_image(jpeg(2000, 1000))
    assert article.image_renditions["widths"] == []


def test_the_hero_tells_the_browser_every_copy_its_size_and_its_room(photo, client):
    article = with_image(photo)
    html = client.get(article.get_absolute_url()).content.decode()
    hero = re.search(r'<figure class="hero">(.*?)</figure>', html, re.S).group(1)
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)">', hero)
    assert [entry.rsplit(" ", 1)[1] for entry in webp.group(1).split(", ")] == [f"{w}w" for w in RENDITION_WIDTHS]
    assert webp.group(2) == "(min-width: 64rem) 48rem, (min-width: 42rem) 40rem, 100vw"
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


def test_profile_and_author_photos_are_served_at_avatar_size(client):
    from tests.factories import AuthorFactory, PersonFactory

    person = PersonFactory(name="Vladimir Putin")
    person.photo.save("putin.jpg", ContentFile(jpeg(1800, 1800)))
    person.refresh_from_db()
    assert person.photo_renditions["widths"] == [240, 480, 800, 1200, 1600, 1800]
    ArticleFactory(public=True, language="es").people.add(person)
    html = client.get("/people/vladimir-putin/").content.decode()
    photo = re.search(r'<figure class="profile-photo">(.*?)</figure>', html, re.S).group(1)
    assert '<source type="image/webp"' in photo and 'sizes="6rem"' in photo
    assert f'src="{person.photo.url}"' not in photo  # never the original for a 96 px circle
    author = AuthorFactory(name="Ana Reportera")
    author.photo.save("ana.jpg", ContentFile(jpeg(1200, 1200)))
    author.refresh_from_db()
    html = client.get(author.get_absolute_url()).content.decode()
    assert '<picture class="author-photo">' in html and 'sizes="6rem"' in html
