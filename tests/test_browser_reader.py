"""A reader's walk through the site in a real browser, at desktop and phone
widths: home page -> the launch story -> Iran's country page -> the
Russia-Iran treaty -> back to a story. The factories' stories are in
English, so the walk is through the English edition (/en/; both editions:
test_browser_editions.py). Screenshots go to test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import serve_media
from tests.factories import ArticleFactory
from tests.responses import no_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Data fixtures come before chromium_browser in each signature: the database
# work must happen before Playwright starts (see the fixture's docstring).

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}


@pytest.fixture
def launch(db):
    records = factories.launch_story()
    # A few more stories so the front page looks like a front page.
    for i, (headline, topics, codes) in enumerate(
        [
            ("Havana and Moscow sign a media cooperation accord", ["geopolitics"], ["CU", "RU"]),
            ("Rial hits a record low as Iran's energy crisis deepens", ["energy crisis"], ["IR"]),
            ("Mariel power plant upgrade relies on Russian investment", ["energy crisis"], ["CU", "RU"]),
        ]
    ):
        ArticleFactory(
            public=True,
            headline=headline,
            published_at=timezone.now() - timedelta(days=i + 1),
            authors=[records["author"]],
            topics=topics,
            country_codes=codes,
        )
    ArticleFactory(status="draft", headline="Draft nobody should see", country_codes=["IR"])
    return records


def walk(page, live_server, launch, artifacts, label: str, width: int) -> None:
    story, treaty = launch["story"], launch["treaty"]

    page.goto(live_server.url + "/en/")
    assert page.locator(".lead-story h2").inner_text() == story.headline
    assert "Draft nobody should see" not in page.content()
    no_horizontal_overflow(page, width)
    page.screenshot(path=artifacts / f"reader-{label}-1-home.png", full_page=True)

    page.locator(".lead-story").get_by_role("link", name=story.headline).click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    assert page.locator("h1").inner_text() == story.headline
    assert page.locator("html").get_attribute("lang") == story.language
    assert page.locator("figure.hero img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Russia–Iran comprehensive strategic partnership treaty" in page.locator(".agreements-box").inner_text()
    no_horizontal_overflow(page, width)
    page.screenshot(path=artifacts / f"reader-{label}-2-article.png", full_page=True)

    page.locator(".filed-under").get_by_role("link", name="Iran", exact=True).click()
    page.wait_for_url("**/en/countries/iran/")
    assert page.locator("h1").inner_text() == "Iran"
    assert "Russia" in page.locator("#partners-heading + ul").inner_text()
    no_horizontal_overflow(page, width)
    page.screenshot(path=artifacts / f"reader-{label}-3-country.png", full_page=True)

    page.get_by_role("link", name=treaty.title).first.click()
    page.wait_for_url(f"**{treaty.get_absolute_url()}")
    assert page.locator("h1").inner_text() == treaty.title
    assert launch["old_treaty"].title in page.locator("dl.facts").inner_text()
    no_horizontal_overflow(page, width)
    page.screenshot(path=artifacts / f"reader-{label}-4-agreement.png", full_page=True)

    page.get_by_role("link", name=launch["follow_up"].headline).click()
    page.wait_for_url(f"**{launch['follow_up'].get_absolute_url()}")
    assert page.locator("h1").inner_text() == launch["follow_up"].headline
    no_horizontal_overflow(page, width)
    page.screenshot(path=artifacts / f"reader-{label}-5-back-to-article.png", full_page=True)


def test_reader_walks_from_home_to_the_treaty_on_a_desktop(live_server, launch, chromium_browser, browser_artifacts):
    # No JavaScript at all: the site must work without it.
    context = chromium_browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    serve_media(page)
    try:
        walk(page, live_server, launch, browser_artifacts, "desktop", DESKTOP["width"])
    finally:
        context.close()


def test_reader_walks_from_home_to_the_treaty_on_a_phone(live_server, launch, chromium_browser, browser_artifacts):
    context = chromium_browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    serve_media(page)
    try:
        walk(page, live_server, launch, browser_artifacts, "phone", PHONE["width"])
        # The other public pages fit a phone too.
        for path in ("/topics/", "/topics/geopolitics/", "/countries/", "/agreements/", "/authors/editorial-team/"):
            for edition in ("", "/en"):
                page.goto(live_server.url + edition + path)
                no_horizontal_overflow(page, PHONE["width"])
        page.goto(live_server.url + "/en/agreements/")
        page.screenshot(path=browser_artifacts / "reader-phone-6-agreements.png", full_page=True)
    finally:
        context.close()


def test_keyboard_focus_is_visible(live_server, launch, chromium_browser):
    context = chromium_browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(live_server.url + launch["story"].get_absolute_url())
        page.keyboard.press("Tab")
        # The first Tab reveals the skip link, drawn with a visible outline.
        focused = page.evaluate(
            "() => { const el = document.activeElement; const style = getComputedStyle(el);"
            " return {text: el.textContent, top: el.getBoundingClientRect().top,"
            " outline: style.outlineStyle, width: parseFloat(style.outlineWidth)}; }"
        )
        assert focused["text"] == "Skip to content"
        assert focused["top"] >= 0
        assert focused["outline"] != "none" and focused["width"] >= 2
        page.keyboard.press("Tab")
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
    finally:
        context.close()


def test_a_sitemap_opened_in_a_browser_reads_as_a_page(live_server, launch, chromium_browser, browser_artifacts):
    """Each sitemap names an XSL stylesheet (static/sitemaps/sitemap.xsl)
    that the readers' security policy lets the browser load and apply: the
    index, a section and the news sitemap show as tables of links, styled
    by the site's stylesheet. Nothing in them needs inline style or script.
    (Chromium marks XSLT as deprecated with a banner of its own, whose
    inline styles the policy blocks; that is the browser's, not ours.)"""
    context = chromium_browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    refused_loads = []
    page.on("console", lambda message: refused_loads.append(message.text) if "Refused to" in message.text else None)
    try:
        for path, heading, link in (
            ("/sitemap.xml", "Sitemap index", "/sitemap-articles.xml"),
            ("/sitemap-articles.xml", "Sitemap", launch["story"].get_absolute_url()),
            ("/news-sitemap.xml", "Sitemap", launch["story"].get_absolute_url()),
        ):
            page.goto(live_server.url + path)
            assert page.locator("h1").inner_text() == heading
            hrefs = page.locator("table.sitemap-table a").evaluate_all("links => links.map(a => a.href)")
            assert any(href.endswith(link) for href in hrefs), hrefs
            # The site's stylesheet applied.
            assert page.locator("table.sitemap-table").evaluate("t => getComputedStyle(t).borderCollapse") == "collapse"
            inline = page.evaluate(
                """() => [...document.querySelectorAll("main *, head *")].filter(
                    e => e.hasAttribute("style") || [...e.attributes].some(a => a.name.startsWith("on"))
                ).length"""
            )
            assert inline == 0
        page.screenshot(path=browser_artifacts / "sitemap-news.png", full_page=True)
        assert refused_loads == []
    finally:
        context.close()


def test_on_a_phone_the_header_is_short_and_its_rows_do_not_wrap(
    live_server, launch, chromium_browser, browser_artifacts
):
    """375 x 800: the header takes at most 120 px; the four sections stay on
    one row; topics and countries share one row that scrolls sideways and
    is drawn with a shade at the edge where more links wait."""
    context = chromium_browser.new_context(
        viewport={"width": 375, "height": 800}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    serve_media(page)
    try:
        for path in ("/", "/en/", launch["story"].get_absolute_url(), "/en/agreements/"):
            page.goto(live_server.url + path)
            assert page.locator(".site-header").evaluate("e => e.getBoundingClientRect().height") <= 120, path
            rows = page.locator(".nav-main li").evaluate_all("items => new Set(items.map(i => i.offsetTop)).size")
            assert rows == 1, path
            sections = page.locator(".nav-sections")
            assert sections.evaluate("e => e.scrollWidth > e.clientWidth"), path  # the demo's links overflow it
            assert sections.evaluate("e => getComputedStyle(e).overflowX") == "auto"
            assert "radial-gradient" in sections.evaluate("e => getComputedStyle(e).backgroundImage")
            no_horizontal_overflow(page, 375)
        page.screenshot(
            path=browser_artifacts / "reader-phone-header.png", clip={"x": 0, "y": 0, "width": 375, "height": 300}
        )
    finally:
        context.close()
