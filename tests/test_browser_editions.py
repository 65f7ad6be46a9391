"""Both editions in a real browser, crossed by the language switcher, on the
demo content (``manage.py load_demo``: the Spanish launch story and its
English translation). At 1280 and 375 pixels; screenshots go to
test-artifacts/ (editions-*.png)."""

import io

import pytest
from django.core.management import call_command

from newsroom.models import Article
from tests.conftest import serve_media
from tests.responses import no_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    spanish = Article.objects.get(slug="iran-rusia-y-cuba-estrechan-su-alianza-frente-a-las-sanciones")
    english = Article.objects.exclude(pk=spanish.pk).get(translation_key=spanish.translation_key)
    return {"es": spanish, "en": english}


def switch_to(page, language: str) -> None:
    """Follow the switcher's link to the edition of ``language``."""
    link = page.locator(f'.editions a[hreflang="{language}"]')
    assert link.count() == 1, page.url
    link.click()
    page.wait_for_load_state()


def check(page, artifacts, label: str, width: int, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language, page.url
    no_horizontal_overflow(page, width)
    page.screenshot(path=artifacts / f"editions-{label}.png", full_page=True)


def walk(page, live_server, demo, artifacts, size: str, width: int) -> None:
    spanish, english = demo["es"], demo["en"]

    page.goto(live_server.url + "/")
    assert page.locator(".lead-story h2").inner_text() == spanish.headline
    assert page.get_by_role("link", name="Saltar al contenido").count() == 1
    check(page, artifacts, f"{size}-1-portada", width, "es")

    page.locator(".lead-story").get_by_role("link", name=spanish.headline).click()
    page.wait_for_url(f"**{spanish.get_absolute_url()}")
    body = page.locator("main").inner_text()
    assert "Irán" in body and "Publicado" in body and "hora de Cuba" in body
    check(page, artifacts, f"{size}-2-noticia", width, "es")

    # The switcher leads from the story to its translation, and back.
    switch_to(page, "en")
    page.wait_for_url(f"**{english.get_absolute_url()}")
    assert page.locator("h1").inner_text() == english.headline
    assert "Published" in page.locator("main").inner_text()
    check(page, artifacts, f"{size}-3-story", width, "en")
    switch_to(page, "es")
    page.wait_for_url(f"**{spanish.get_absolute_url()}")

    # A country page is the same page in the other edition, names and all.
    page.goto(live_server.url + "/countries/iran/")
    assert page.locator("h1").inner_text() == "Irán"
    check(page, artifacts, f"{size}-4-pais", width, "es")
    switch_to(page, "en")
    page.wait_for_url("**/en/countries/iran/")
    assert page.locator("h1").inner_text() == "Iran"
    # The English edition lists the translation as its own, the Spanish stories apart.
    assert english.headline in page.locator("main").inner_text()
    check(page, artifacts, f"{size}-5-country", width, "en")

    page.goto(live_server.url + "/en/topics/")
    check(page, artifacts, f"{size}-6-topics", width, "en")
    switch_to(page, "es")
    page.wait_for_url("**/topics/")
    assert page.locator("h1").inner_text() == "Temas"
    check(page, artifacts, f"{size}-7-temas", width, "es")


@pytest.mark.parametrize(
    ("size", "options"),
    [
        ("desktop", {"viewport": DESKTOP}),
        ("phone", {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}),
    ],
)
def test_a_reader_crosses_between_the_editions_by_the_switcher(
    live_server, demo, chromium_browser, browser_artifacts, size, options
):
    context = chromium_browser.new_context(**options)
    page = context.new_page()
    serve_media(page)
    try:
        walk(page, live_server, demo, browser_artifacts, size, options["viewport"]["width"])
    finally:
        context.close()
