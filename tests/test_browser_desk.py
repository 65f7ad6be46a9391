"""An editor's day in the admin, in Chromium: a writer drafts a story with a
hero image, countries and an agreement and hands it in; an editor picks it
up from the desk, edits it, creates an agreement without leaving the form,
schedules the story a few seconds ahead; it appears on the site by itself;
the editor adds a correction and the reader sees it. Plus the body editor
(toolbar and pasting), the keyboard alone, and a tablet's width.

Screenshots of every step go to test-artifacts/desk/."""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from newsroom.models import Article
from tests import factories
from tests.conftest import serve_media
from tests.responses import no_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Data fixtures come before chromium_browser in each signature: the database
# work must happen before Playwright starts (see the fixture's docstring).

DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 820, "height": 1180}
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
# Waits for what the browser does by itself (autocomplete requests, popups).
WAIT_MS = 10_000


@pytest.fixture
def artifacts(browser_artifacts):
    folder = browser_artifacts / "desk"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def newsroom(db):
    """Two colleagues and the reference records they link stories to."""
    writer = factories.writer(username="wendy", first_name="Wendy", last_name="Reyes")
    editor = factories.editor(username="eddie", first_name="Eddie", last_name="Morales")
    author = factories.AuthorFactory(name="Wendy Reyes", user=writer)
    partnership = factories.AgreementFactory(title="Iran–Cuba ten-year strategic partnership", party_codes=["IR", "CU"])
    factories.ArticleFactory(headline="Yesterday's front page", public=True, authors=[author], country_codes=["CU"])
    return {"writer": writer, "editor": editor, "author": author, "partnership": partnership}


def png_bytes() -> bytes:
    """A generated picture to upload, as a photographer's file would be."""
    return factories.hero_image("mariel.png").read()


def new_page(browser, viewport=DESKTOP, **options):
    # The newsroom's time zone by default, so that the times a test types and
    # reads back are the browser's own (test_browser_story_form works from Madrid).
    options.setdefault("timezone_id", "America/Havana")
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def log_out(page, live_server) -> None:
    page.click("#logout-form button")
    page.wait_for_url(re.compile(r".*/admin/logout/$"))


def pick(page, select_id: str, typed: str, choice: str) -> None:
    """Choose ``choice`` in the Select2 autocomplete that replaces the
    <select id=select_id>, by typing ``typed`` as an editor would."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.keyboard.type(typed, delay=30)
    page.locator(".select2-container--open").get_by_role("option", name=choice, exact=True).click()
    assert choice in page.locator(f"#{select_id} + .select2").inner_text()


def add_topic(page, typed: str, offered: str) -> None:
    """Type ``typed`` in the topic field and press Enter once ``offered`` (a
    found topic, or "New topic: “typed”") is the highlighted choice."""
    from playwright.sync_api import expect

    page.click("#id_tags + .select2 .select2-selection")
    page.keyboard.type(typed, delay=30)
    expect(page.locator(".select2-results__option--highlighted")).to_have_text(offered)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def save(page, action: str = "save") -> None:
    """Press the story form's ``action`` button (the one of the top row:
    "save", "review", "publish"...) and expect the saved story's form back;
    if the form shows an error instead, fail with it."""
    with page.expect_navigation():
        page.locator(f"button[name=_action][value={action}]").first.click()
    wait_for_the_saved_form(page)


def wait_for_the_saved_form(page) -> None:
    errors = page.locator(".errornote:visible, .errorlist:visible, .messagelist .error").all_inner_texts()
    if errors or not re.search(r"/admin/newsroom/article/\d+/change/(\?.*)?$", page.url):
        pytest.fail(f"the form did not save ({page.url}): {errors}")


def editor_html(page) -> str:
    return page.locator(".prose-editor .ProseMirror[contenteditable=true]").inner_html()


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)


def live_server_site_url() -> str:
    """The public address the admin shows under the slug (settings.SITE_URL)."""
    return settings.SITE_URL


def local_parts(moment) -> tuple[str, str]:
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"


# -- The day ------------------------------------------------------------------------


def test_a_story_goes_from_the_writer_to_the_reader(live_server, newsroom, chromium_browser, artifacts):
    headline = "Iran and Cuba agree to build a solar plant in Mariel"

    # 1. The writer logs in and lands on the desk.
    page = new_page(chromium_browser)
    log_in(page, live_server, "wendy")
    assert page.locator("#desk-mine").is_visible()
    assert page.locator("#desk-review").count() == 0  # the review queue is the editors'
    shot(page, artifacts, "01-writer-desk")

    # 2. She drafts the story: headline (counted), dek, body, picture,
    # countries picked by typing without accents, the agreement.
    page.get_by_role("link", name="Write a story").click()
    page.wait_for_url("**/admin/newsroom/article/add/")
    page.locator("#id_headline").press_sequentially(headline, delay=5)
    # The slug and its address follow the typing a moment later (Django's
    # prepopulate, then the preview's own update): wait for the exact values.
    from playwright.sync_api import expect

    expect(page.locator("#id_slug")).to_have_value("iran-and-cuba-agree-to-build-a-solar-plant-in-mariel")
    expect(page.locator("#id_slug_address output")).to_have_text(
        f"{live_server_site_url()}/articles/iran-and-cuba-agree-to-build-a-solar-plant-in-mariel/"
    )
    counter = page.locator("#id_headline_counter")
    assert counter.get_attribute("data-length") == str(len(headline))
    assert "is-over" not in (counter.get_attribute("class") or "")
    page.fill("#id_dek", "The two governments sign the first project of their ten-year partnership.")
    body = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("Engineers from both countries will start work in the spring.")
    page.set_input_files("#id_image", files=[{"name": "mariel.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.fill("#id_image_alt", "Solar panels on a field outside the port of Mariel")
    page.fill("#id_image_caption", "The site of the future plant, west of Havana.")
    page.fill("#id_image_credit", "Newsroom")
    add_topic(page, "solar energy", "New topic: “solar energy”")
    page.select_option("#id_language", "en")
    pick(page, "id_countries", "iran", "Iran")
    pick(page, "id_countries", "cuba", "Cuba")
    page.get_by_role("button", name="Add another Agreement link").click()
    pick(page, "id_agreement_links-0-agreement", "partnership", newsroom["partnership"].title)
    page.select_option("#id_agreement_links-0-relation", "about")
    shot(page, artifacts, "02-writer-drafts-the-story")
    save(page, "review")
    assert f"Sent to review: “{headline}”." in page.locator(".messagelist").inner_text()
    article = Article.objects.get(headline=headline)
    assert article.status == Article.Status.REVIEW
    assert sorted(article.countries.values_list("iso2", flat=True)) == ["CU", "IR"]
    assert article.image and article.ordered_authors() == [newsroom["author"]]
    assert list(article.tags.names()) == ["solar energy"]
    shot(page, artifacts, "03-writer-submitted")
    log_out(page, live_server)
    page.context.close()

    # 3. The editor finds it on the desk, waiting for review, with its byline,
    # countries and who touched it last.
    page = new_page(chromium_browser)
    log_in(page, live_server, "eddie")
    review = page.locator("#desk-review")
    row = review.locator(".desk-item", has_text=headline)
    assert "Wendy Reyes" in row.locator(".desk-authors").inner_text()
    assert row.locator(".desk-countries").inner_text() == "Cuba, Iran"
    assert row.locator(".desk-editor").inner_text().startswith("Wendy Reyes")
    assert row.get_by_role("button", name=re.compile("^Publish now")).is_visible()
    shot(page, artifacts, "04-editor-desk-review-queue")
    row.get_by_role("link", name=headline, exact=True).click()
    page.wait_for_url(f"**/admin/newsroom/article/{article.pk}/change/")

    # 4. The editor sharpens the headline and links an agreement that is not
    # in the database yet, creating it in a popup: the story stays as edited.
    sharper = "Iran and Cuba to build a solar plant in Mariel"
    page.fill("#id_headline", sharper)
    page.get_by_role("button", name="Add another Agreement link").click()
    with page.expect_popup() as popup_info:
        page.click("#add_id_agreement_links-1-agreement")
    popup = popup_info.value
    popup.set_default_timeout(WAIT_MS)
    popup.wait_for_load_state()
    popup.fill("#id_title", "Mariel solar plant investment")
    popup.select_option("#id_kind", "investment_project")
    popup.select_option("#id_status", "announced")
    pick(popup, "id_parties-0-country", "iran", "Iran")
    pick(popup, "id_parties-1-country", "cuba", "Cuba")
    popup.screenshot(path=artifacts / "05-editor-creates-an-agreement-in-a-popup.png", full_page=True)
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    new_link = page.locator("#id_agreement_links-1-agreement + .select2")
    assert "Mariel solar plant investment" in new_link.inner_text()
    assert page.locator("#id_headline").input_value() == sharper  # nothing lost
    page.select_option("#id_agreement_links-1-relation", "about")

    # 5. ...and schedules it a few seconds ahead: "Schedule…" asks for the
    # time in a dialog, which starts from the publication time field (whose
    # seconds it keeps while the minute is left as it was).
    goes_out = timezone.now() + timedelta(seconds=8)
    day, clock = local_parts(goes_out)
    page.fill("#id_published_at_0", day)
    page.fill("#id_published_at_1", clock)
    page.locator("button[name=_action][value=schedule]").first.click()
    dialog = page.get_by_role("dialog", name="Schedule the story")
    expect(dialog.get_by_label("Day")).to_have_value(day)
    expect(dialog.get_by_label("Time (Cuba time)")).to_have_value(clock[:5])
    shot(page, artifacts, "06-editor-schedules")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Schedule", exact=True).click()
    wait_for_the_saved_form(page)
    assert (
        "Scheduled: “Iran and Cuba to build a solar plant in Mariel” appears on"
        in page.locator(".messagelist").inner_text()
    )
    article.refresh_from_db()
    assert article.is_scheduled, "the story should be scheduled, not public yet"
    assert list(article.agreements.order_by("title").values_list("title", flat=True)) == [
        "Iran–Cuba ten-year strategic partnership",
        "Mariel solar plant investment",
    ]
    page.goto(f"{live_server.url}/admin/")
    upcoming = page.locator("#desk-scheduled .desk-item", has_text=sharper)
    assert "Goes out" in upcoming.inner_text()
    assert upcoming.locator(".desk-editor").inner_text().startswith("Eddie Morales")
    shot(page, artifacts, "07-editor-desk-scheduled")

    # 6. The reader: nothing yet, then the story appears by itself at its time.
    reader = new_page(chromium_browser)
    serve_media(reader)
    url = f"{live_server.url}{article.get_absolute_url()}"
    assert reader.goto(url).status == 404
    deadline = time.monotonic() + 40
    status = 404
    while time.monotonic() < deadline:
        status = reader.goto(url).status
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200, "the scheduled story never appeared"
    assert timezone.now() >= article.published_at  # not a moment early
    assert reader.locator("h1").inner_text() == sharper
    assert reader.locator("figure.hero img").get_attribute("alt") == (
        "Solar panels on a field outside the port of Mariel"
    )
    assert reader.locator("figure.hero img").evaluate("img => img.complete && img.naturalWidth > 0")
    shot(reader, artifacts, "08-reader-sees-the-story")

    # 7. The editor adds a correction from the desk's "Recently published".
    page.goto(f"{live_server.url}/admin/")
    published = page.locator("#desk-recent .desk-item", has_text=sharper)
    published.get_by_role("link", name="Edit").click()
    page.wait_for_url(f"**/admin/newsroom/article/{article.pk}/change/")
    page.get_by_role("button", name="Add another Correction").click()
    correction = "An earlier version gave the wrong province for the plant; Mariel is in Artemisa."
    page.fill("#id_corrections-0-text", correction)
    shot(page, artifacts, "09-editor-adds-a-correction")
    save(page)
    assert article.corrections.get().text == correction

    # 8. The reader sees it.
    reader.goto(url)
    assert correction in reader.locator("main").inner_text()
    shot(reader, artifacts, "10-reader-sees-the-correction")
    reader.context.close()
    page.context.close()


# -- The form's helpers ------------------------------------------------------------------


def test_counters_and_address_follow_what_is_typed(live_server, newsroom, chromium_browser, artifacts):
    page = new_page(chromium_browser)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    counter = page.locator("#id_headline_counter")
    assert counter.get_attribute("data-length") == "0"
    typed = "Díaz-Canel meets Pezeshkian in Tehran"
    page.locator("#id_headline").press_sequentially(typed, delay=5)
    assert counter.get_attribute("data-length") == str(len(typed))
    assert "search engines" in counter.inner_text()
    # Addresses are plain lower-case ASCII: the slug is filled in that form
    # as the headline is typed, in the edition of the story's language.
    from playwright.sync_api import expect

    expect(page.locator("#id_slug")).to_have_value("diaz-canel-meets-pezeshkian-in-tehran")
    address = page.locator("#id_slug_address output")
    expect(address).to_have_text(f"{live_server_site_url()}/articles/diaz-canel-meets-pezeshkian-in-tehran/")
    page.select_option("#id_language", "en")
    expect(address).to_have_text(f"{live_server_site_url()}/en/articles/diaz-canel-meets-pezeshkian-in-tehran/")
    page.select_option("#id_language", "es")
    # A slug typed by hand shows in the form it will be stored in.
    page.fill("#id_slug", "Díaz-Canel-EN-Teherán")
    expect(address).to_have_text(f"{live_server_site_url()}/articles/diaz-canel-en-teheran/")
    page.locator("#id_headline").press_sequentially(
        " as the two governments sign a ten-year partnership on energy", delay=2
    )
    assert "is-over" in counter.get_attribute("class")
    assert "will cut this headline after about 60 characters" in counter.inner_text()
    # The slug can be edited by hand; the address follows it.
    page.fill("#id_slug", "diaz-canel-in-tehran")
    assert address.inner_text() == f"{live_server_site_url()}/articles/diaz-canel-in-tehran/"
    dek = page.locator("#id_dek_counter")
    page.fill("#id_dek", "x" * 170)
    assert dek.get_attribute("data-length") == "170"
    assert "is-over" in dek.get_attribute("class")
    # The hard limit is the field's: the browser stops at 200 characters.
    page.fill("#id_headline", "")
    page.locator("#id_headline").press_sequentially("y" * 210, delay=0)
    assert len(page.locator("#id_headline").input_value()) == 200
    shot(page, artifacts, "11-counters")


# -- The body editor ------------------------------------------------------------------------


def save_new_article(page, live_server, headline: str) -> Article:
    page.fill("#id_headline", headline)
    page.fill("#id_slug", re.sub(r"\W+", "-", headline.lower()).strip("-"))
    save(page)
    return Article.objects.get(headline=headline)


def test_the_body_toolbar_makes_headings_emphasis_links_quotes_and_lists(
    live_server, newsroom, chromium_browser, artifacts
):
    page = new_page(chromium_browser)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").click()
    keys = page.keyboard

    page.click(".prose-menubar__selected")
    page.click(".prose-menubar__option[data-name=heading2]")
    keys.type("Background")
    keys.press("Enter")
    page.click("button[data-name=bold]")
    keys.type("Bold")
    page.click("button[data-name=bold]")
    keys.type(" and ")
    page.click("button[data-name=italic]")
    keys.type("italic")
    page.click("button[data-name=italic]")
    keys.press("Enter")
    page.click("button[data-name=blockquote]")
    keys.type("A quotation.")
    keys.press("Enter")
    keys.press("Enter")  # an empty line leaves the quote
    page.click("button[data-name=bulletList]")
    keys.type("First point")
    keys.press("Enter")
    keys.type("Second point")
    keys.press("Enter")
    keys.press("Enter")
    page.click("button[data-name=orderedList]")
    keys.type("Step one")
    keys.press("Enter")
    keys.press("Enter")
    page.click(".prose-menubar__selected")
    page.click(".prose-menubar__option[data-name=heading3]")
    keys.type("Subsection")
    keys.press("Enter")
    # The link last: the editor keeps the linked words selected afterwards.
    keys.type("Read the report")
    link_last_words(page, "the report", "https://example.org/report")
    shot(page, artifacts, "12-body-toolbar")
    submitted = page.locator("#id_body").input_value()  # what the editor hands to the form

    article = save_new_article(page, live_server, "Toolbar story")
    # The sanitiser keeps everything the toolbar made.
    assert article.body == submitted
    for element in (
        "<h2>Background</h2>",
        "<p><strong>Bold</strong> and <em>italic</em></p>",
        "<blockquote><p>A quotation.</p></blockquote>",
        "<ul><li><p>First point</p></li><li><p>Second point</p></li></ul>",
        "<ol><li><p>Step one</p></li></ol>",
        "<h3>Subsection</h3>",
    ):
        assert element in article.body
    assert re.search(r'<a [^>]*href="https://example.org/report"[^>]*>the report</a>', article.body)


def link_last_words(page, words: str, href: str) -> None:
    """Select the last ``words`` typed in the body and link them to ``href``
    with the toolbar. The words are selected only once the editor has taken
    in the typing (it copies every change to the form's field): CI once
    pressed Shift+Left while the last letters were still being applied, and
    the editor then put the cursor back, so the link covered half the words."""
    page.wait_for_function("(words) => document.getElementById('id_body').value.includes(words)", arg=words)
    for _ in range(len(words)):
        page.keyboard.press("Shift+ArrowLeft")
    page.wait_for_function("(words) => window.getSelection().toString() === words", arg=words, timeout=5000)
    page.click("button[data-name=link]")
    page.fill("dialog.prose-editor-dialog input[name=href]", href)
    page.click("dialog.prose-editor-dialog button[type=submit]")


# What a word processor puts on the clipboard (Word's HTML, trimmed) and what
# a web page does: structure worth keeping under a pile of styling.
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta name="Generator" content="Microsoft Word 15"><style>p.MsoNormal {font-family: Calibri}</style></head>
<body lang="ES" style="tab-interval:35.4pt">
<h2 style="mso-margin-top-alt:auto"><span style="font-size:14.0pt;font-family:Arial">Background</span></h2>
<p class="MsoNormal" style="margin:0cm"><span style="font-family:Calibri;color:#333333">The <b>treaty</b> was
<i>signed</i> in <a href="https://example.org/treaty" style="color:blue">Moscow</a>.</span><o:p></o:p></p>
<ul style="margin-top:0cm"><li class="MsoListParagraph" style="mso-list:l0 level1 lfo1">
<font face="Arial" color="red">Energy</font><o:p></o:p></li><li class="MsoListParagraph">Transport</li></ul>
</body></html>"""
WEB_HTML = """<div class="article-body" style="font-size:18px"><h3 style="color:#c00" id="x">From the wire</h3>
<p>Text with a <span style="font-weight:bold" class="hl">bold span</span>, an
<a href="https://example.org/wire" class="ext" target="_blank" onclick="track()">outside link</a>
and a picture <img src="https://example.org/p.jpg" alt="p">.</p>
<blockquote class="pullquote" style="border-left:4px solid"><p>Quoted words.</p></blockquote>
<table><tr><td>A cell</td></tr></table><script>alert(1)</script></div>"""


def paste(page, html: str) -> None:
    """Fire the paste event a browser fires for Ctrl+V, with ``html`` on the
    clipboard (Playwright has no clipboard to paste from in headless mode)."""
    page.evaluate(
        """(html) => {
            const editor = document.querySelector('.prose-editor .ProseMirror[contenteditable=true]');
            editor.focus();
            const data = new DataTransfer();
            data.setData('text/html', html);
            data.setData('text/plain', editor.innerText);
            editor.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        html,
    )


STYLING = ("style", "class", "<span", "<font", "o:p", "mso", "<table", "<img", "<script", "alert", "<b>", "<i>", "<div")


PASTES = {
    "word": (
        WORD_HTML,
        (
            "<h2>Background</h2>",
            "<strong>treaty</strong>",
            "<em>signed</em>",
            "<ul><li><p>Energy</p></li><li><p>Transport</p></li></ul>",
            '<a href="https://example.org/treaty">Moscow</a>',
        ),
    ),
    "web": (
        WEB_HTML,
        (
            "<h3>From the wire</h3>",
            "<strong>bold span</strong>",
            "<blockquote><p>Quoted words.</p></blockquote>",
            "A cell",
            'href="https://example.org/wire"',
        ),
    ),
}


@pytest.mark.parametrize("source", PASTES.keys())
def test_pasting_keeps_structure_and_drops_styling(live_server, newsroom, chromium_browser, artifacts, source):
    html, kept = PASTES[source]
    page = new_page(chromium_browser)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").click()
    paste(page, html)
    shot(page, artifacts, f"13-body-pasted-from-{source}")
    pasted = editor_html(page)
    for element in kept:
        assert element in pasted, f"{element} lost in {pasted}"
    # The editor's schema drops the styling as it parses the paste. A link
    # keeps a pasted class or target inside the editor; the sanitiser drops
    # them on save (below).
    outside_links = re.sub(r"<a [^>]*>", "<a>", pasted)
    for styling in STYLING:
        assert styling not in outside_links, f"{styling} survived the paste: {pasted}"

    article = save_new_article(page, live_server, f"Pasted from {source}")
    for styling in (*STYLING, "onclick", "target"):
        assert styling not in article.body, f"{styling} was stored: {article.body}"
    for element in kept:
        assert element in article.body


# -- Keyboard alone, and a tablet ---------------------------------------------------------

FOCUS_STATE = """() => {
    const el = document.activeElement;
    const shown = (node) => {
        if (!node) return false;
        const style = getComputedStyle(node);
        return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
            || (style.boxShadow && style.boxShadow !== 'none');
    };
    // Select2 draws the ring on its selection box, the body editor on its frame.
    const ring = [el, el.closest('.select2-selection'), el.closest('.prose-editor')].some(shown);
    return {
        tag: el.tagName.toLowerCase(), id: el.id || '', name: el.getAttribute('name') || '',
        text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40),
        cls: el.className && el.className.baseVal === undefined ? el.className : '',
        ring: ring,
        editor: !!el.closest('.prose-editor'),
        select2: el.closest('.select2') ? el.closest('.select2').previousElementSibling.id : '',
    };
}"""


def tab(page, backwards: bool = False) -> dict:
    page.keyboard.press("Shift+Tab" if backwards else "Tab")
    return page.evaluate(FOCUS_STATE)


def test_the_main_flow_works_with_the_keyboard_alone(live_server, newsroom, chromium_browser, artifacts):
    page = new_page(chromium_browser)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    # Django puts the cursor in the username field (autofocus; wait for it, or
    # the first keys can land before it does).
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_username'")
    page.keyboard.type("eddie")
    assert tab(page)["id"] == "id_password"
    assert page.evaluate(FOCUS_STATE)["ring"], "no visible focus on the password field"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/admin/")

    # From the top of the desk to "Write a story", every stop visibly focused.
    for _ in range(30):
        state = tab(page)
        assert state["ring"], f"no visible focus on {state}"
        if state["text"] == "Write a story":
            break
    else:
        pytest.fail("Tab never reached “Write a story”")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/newsroom/article/add/")
    assert page.evaluate("document.activeElement.id") == "id_headline"  # Django focuses the first field
    page.keyboard.type("Keyboard-only story from Havana")

    stops = []
    for _ in range(250):
        state = tab(page)
        stops.append(state)
        assert state["ring"], f"no visible focus on {state}"
        if state["id"] == "id_dek":
            page.keyboard.type("Written without touching the mouse.")
        elif state["editor"] and state["tag"] == "div":
            page.keyboard.type("Every control can be reached with Tab.")
        elif state["select2"] == "id_countries":
            page.keyboard.type("iran", delay=30)
            page.wait_for_selector(".select2-results__option--highlighted:text-is('Iran')")
            page.keyboard.press("Enter")
            page.keyboard.press("Escape")
        elif state["name"] == "_action" and state["text"] == "Save draft":
            break
    else:
        pytest.fail(f"Tab never reached the Save draft button; last stops: {stops[-10:]}")

    reached = {stop["id"] or stop["name"] or stop["select2"] or stop["text"] for stop in stops}
    for control in (
        "id_slug",
        "id_dek",
        "id_image",
        "id_image_alt",
        "id_tags",
        "id_countries",
        "id_people",
        "id_published_at_0",
        "id_published_at_1",
        "id_language",
        "Add another Agreement link",
        "Add another Cited source",
        "Add another Correction",
        "_action",
    ):
        assert control in reached, f"{control} was never reached by Tab"
    assert any(stop["editor"] and stop["tag"] == "div" for stop in stops), "the body editor was never reached"
    shot(page, artifacts, "14-keyboard-reaches-save")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/newsroom/article/*/change/")
    article = Article.objects.get(headline="Keyboard-only story from Havana")
    assert article.dek == "Written without touching the mouse."
    assert "Every control can be reached with Tab." in article.body
    assert list(article.countries.values_list("iso2", flat=True)) == ["IR"]


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET], ids=["desktop", "tablet"])
def test_the_desk_and_the_form_fit_the_screen(live_server, newsroom, chromium_browser, artifacts, viewport):
    factories.ArticleFactory(headline="A story waiting for an editor", status="review", country_codes=["VE"])
    width = viewport["width"]
    page = new_page(chromium_browser, viewport=viewport)
    log_in(page, live_server, "eddie")
    no_horizontal_overflow(page, width)
    assert page.locator("#desk-review").is_visible()
    shot(page, artifacts, f"15-desk-{width}")
    page.get_by_role("link", name="Write a story").click()
    page.wait_for_url("**/admin/newsroom/article/add/")
    no_horizontal_overflow(page, width)
    for selector in (
        "#id_headline",
        ".prose-editor",
        "#id_countries + .select2",
        "button[name=_action][value=publish]",
        "button[name=_action][value=schedule]",
    ):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{selector} is off screen"
    # Tabular inlines scroll inside their box rather than widen the page.
    page.get_by_role("button", name="Add another Cited source").click()
    no_horizontal_overflow(page, width)
    shot(page, artifacts, f"16-form-{width}")
