"""A reader's walk from the front page to a person and what they signed, in
a real browser at desktop and phone widths (issue "People, organisations and
an edited front page", point 6): home -> the lead story (the editors' pick)
-> a person in it -> an agreement of theirs -> back. On the demo content, in
the Spanish edition. Screenshots go to test-artifacts/."""

import pytest
from django.core.management import call_command

from newsroom.demo import content
from newsroom.models import Article
from tests.conftest import serve_media
from tests.factories import ArticleFactory
from tests.responses import no_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TREATY = "Tratado de asociación estratégica integral Rusia-Irán"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    # A newer two-line story without an image: the editors' lead stays the lead.
    ArticleFactory(public=True, language="es", headline="Nota breve de prueba", body="<p>Dos líneas.</p>")
    return Article.objects.get(slug=content.LAUNCH_SLUG)


def walk(page, base: str, launch, artifacts, label: str, width: int) -> None:
    page.goto(base + "/")
    assert page.locator(".lead-story h2").inner_text() == launch.headline
    assert page.locator(".lead-story picture source[type='image/webp']").count() == 1
    no_horizontal_overflow(page, width)
    page.screenshot(path=artifacts / f"people-{label}-1-home.png", full_page=True)

    page.locator(".lead-story").get_by_role("link", name=launch.headline).click()
    page.wait_for_url(f"**{launch.get_absolute_url()}")
    people = page.locator(".story-people")
    assert people.get_by_role("link").count() == 8  # the demo's four people and four organisations
    no_horizontal_overflow(page, width)
    page.screenshot(path=artifacts / f"people-{label}-2-story.png", full_page=True)

    people.get_by_role("link", name="Vladimir Putin").click()
    page.wait_for_url("**/people/vladimir-putin/")
    assert page.locator("h1").inner_text() == "Vladimir Putin"
    assert "Presidente de Rusia" in page.locator(".profile-role").inner_text()
    assert launch.headline in page.locator(".main-column").inner_text()
    no_horizontal_overflow(page, width)
    page.screenshot(path=artifacts / f"people-{label}-3-person.png", full_page=True)

    page.locator(".role-list").get_by_role("link", name=TREATY).click()
    page.wait_for_url("**/agreements/tratado-asociacion-estrategica-integral-rusia-iran/")
    assert page.locator("h1").inner_text() == TREATY
    participants = page.locator(".participants-list").inner_text()
    assert "Vladimir Putin" in participants and "Masoud Pezeshkian" in participants
    no_horizontal_overflow(page, width)
    page.screenshot(path=artifacts / f"people-{label}-4-agreement.png", full_page=True)

    page.go_back()
    page.wait_for_url("**/people/vladimir-putin/")
    assert page.locator("h1").inner_text() == "Vladimir Putin"


def test_from_the_front_page_to_a_person_and_their_treaty_on_a_desktop(
    live_server, demo, chromium_browser, browser_artifacts
):
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    serve_media(page)
    try:
        walk(page, live_server.url, demo, browser_artifacts, "desktop", 1280)
    finally:
        context.close()


def test_from_the_front_page_to_a_person_and_their_treaty_on_a_phone(
    live_server, demo, chromium_browser, browser_artifacts
):
    context = chromium_browser.new_context(
        viewport={"width": 375, "height": 800}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    serve_media(page)
    try:
        walk(page, live_server.url, demo, browser_artifacts, "phone", 375)
        # The header stays within its 120 px on the person page too.
        assert page.locator(".site-header").bounding_box()["height"] <= 120
    finally:
        context.close()
