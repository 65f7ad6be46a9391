"""The story form and the article list in Chromium, as an editor working
from Madrid sees them: no note comparing their clock with the server's, times
named in the newsroom's zone ("Now" fills in Havana's time), the byline
already theirs, and a list whose headlines can be read at 1280 px.

Screenshots go to test-artifacts/story-form/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom.models import Article, Topic
from tests import factories
from tests.test_browser_desk import DESKTOP, add_topic, link_last_words, log_in, new_page, pick, save, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def artifacts(browser_artifacts):
    (folder := browser_artifacts / "story-form").mkdir(exist_ok=True)
    return folder


@pytest.fixture
def desk(db):
    """An editor with a byline of their own, and a list of long headlines
    with three authors and four topics each."""
    editor = factories.editor(username="eddie", first_name="Eddie", last_name="Morales")
    own = factories.AuthorFactory(name="Eddie Morales", user=editor)
    colleagues = [factories.AuthorFactory(name=f"Corresponsal número {n}") for n in range(3)]
    topics = ["relaciones internacionales", "energía y petróleo", "economía cubana", "sanciones"]
    for n in range(5):
        factories.ArticleFactory(
            headline=f"Irán y Rusia firman un acuerdo de cooperación energética de veinte años, número {n}",
            public=True,
            authors=colleagues,
            topics=topics,
            country_codes=["IR", "RU", "CU"],
        )
    return {"editor": editor, "own": own}


def test_an_editor_abroad_writes_in_the_newsrooms_time(live_server, desk, chromium_browser, artifacts):
    page = new_page(chromium_browser, viewport=DESKTOP, timezone_id="Europe/Madrid")
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    label = page.locator(".field-published_at label").first
    assert "(Cuba time)" in label.inner_text()
    # Django's admin adds a note per field when the browser's zone differs
    # from the server's; the form names the zone instead, so none shows.
    page.wait_for_selector(".datetimeshortcuts")
    assert page.locator(".timezonewarning:visible").count() == 0
    assert not page.get_by_text("ahead of server time").is_visible()
    # "Now" gives the newsroom's time, not Madrid's (six hours ahead).
    page.locator("#id_published_at_1 ~ .datetimeshortcuts a", has_text="Now").click()
    typed = page.input_value("#id_published_at_1")
    havana = timezone.localtime()
    shown = havana.replace(hour=int(typed[:2]), minute=int(typed[3:5]), second=0, microsecond=0)
    assert abs(shown - havana.replace(second=0, microsecond=0)) <= timedelta(minutes=2), (typed, havana)
    # The byline starts as the editor's own.
    assert "Eddie Morales" in page.locator("#id_bylines-0-author + .select2").inner_text()
    shot(page, artifacts, "01-add-form-from-madrid")


def test_the_article_list_gives_the_headline_room_at_1280(live_server, desk, chromium_browser, artifacts):
    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/")
    shot(page, artifacts, "02-article-list-1280")
    headline = page.locator("#result_list td.field-story").first
    width = headline.bounding_box()["width"]
    assert width >= 0.4 * DESKTOP["width"], width
    # The whole headline is on screen, wrapped rather than cut.
    assert headline.locator("a").inner_text().endswith("número 4")
    assert "Corresponsal número 0" in headline.inner_text()  # the byline, under it
    assert "(Cuba time)" in page.locator("#result_list thead th.column-published_time").text_content()


def test_typing_after_a_link_does_not_extend_it(live_server, desk, chromium_browser, artifacts):
    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").click()
    keys = page.keyboard
    keys.type("Según la agencia EFE")
    link_last_words(page, "EFE", "https://efe.com/")
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").focus()
    keys.press("End")
    keys.type(". Fin.")
    page.wait_for_function("() => document.getElementById('id_body').value.includes('Fin.')")
    body = page.locator("#id_body").input_value()
    shot(page, artifacts, "03-link-then-full-stop")
    assert re.search(r'<a [^>]*href="https://efe.com/"[^>]*>EFE</a>\. Fin\.', body), body


def test_a_writer_reads_their_published_story_read_only(live_server, desk, chromium_browser, artifacts):
    writer = factories.writer(username="wendy", first_name="Wendy", last_name="Reyes")
    byline = factories.AuthorFactory(name="Wendy Reyes", user=writer)
    story = factories.ArticleFactory(headline="Apagón en Matanzas", authors=[byline], public=True)
    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "wendy")
    page.goto(f"{live_server.url}/admin/newsroom/article/")
    page.get_by_role("link", name="Apagón en Matanzas").click()
    page.wait_for_url(f"**/admin/newsroom/article/{story.pk}/change/")
    note = page.locator(".newsroom-read-only")
    assert note.inner_text() == "This story is published. Only an editor can change it now: Eddie Morales."
    assert page.locator("button[name=_action]").count() == 0
    shot(page, artifacts, "04-writer-reads-their-published-story")


def test_bylines_are_ordered_by_moving_rows_not_by_numbers(live_server, desk, chromium_browser, artifacts):
    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    # No number to type: the order field is hidden, two buttons move the row.
    assert page.locator("#bylines-group input[name$='-position']:visible").count() == 0
    page.get_by_role("button", name="Add another Byline").click()
    pick(page, "id_bylines-1-author", "número 0", "Corresponsal número 0")
    second = page.locator("#bylines-group tr.form-row").nth(1)
    second.get_by_role("button", name="Move up").click()
    first = page.locator("#bylines-group tbody tr.form-row").first
    assert "Corresponsal número 0" in first.inner_text()
    shot(page, artifacts, "05-bylines-moved")
    page.fill("#id_headline", "Two reporters, one story")
    save(page)
    article = Article.objects.get(headline="Two reporters, one story")
    assert [author.name for author in article.ordered_authors()] == ["Corresponsal número 0", "Eddie Morales"]


def test_saved_bylines_move_among_themselves_and_keep_their_order_unmoved(
    live_server, desk, chromium_browser, artifacts
):
    first, second = factories.AuthorFactory(name="Ana Pérez"), factories.AuthorFactory(name="Luis Gómez")
    story = factories.ArticleFactory(headline="Dos firmas", authors=[first, second])
    # Rows saved before the buttons existed often all say 0.
    story.bylines.update(position=0)
    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "eddie")
    change = f"{live_server.url}/admin/newsroom/article/{story.pk}/change/"
    # Saved without moving anything: the numbers stay as they were.
    page.goto(change)
    save(page)
    assert sorted(story.bylines.values_list("position", flat=True)) == [0, 0]
    # A new row cannot jump above the saved ones (Django numbers saved rows first).
    page.goto(change)
    page.get_by_role("button", name="Add another Byline").click()
    rows = page.locator("#bylines-group tbody tr.form-row:not(.empty-form)")
    assert rows.nth(2).get_by_role("button", name="Move up").is_disabled()
    rows.nth(1).get_by_role("button", name="Move up").click()
    shot(page, artifacts, "06-saved-bylines-moved")
    save(page)
    assert [a.name for a in Article.objects.get(pk=story.pk).ordered_authors()] == ["Luis Gómez", "Ana Pérez"]


def test_one_topic_field_finds_a_topic_whatever_the_accents_and_adds_a_new_one_on_enter(
    live_server, desk, chromium_browser, artifacts
):
    from playwright.sync_api import expect

    factories.ArticleFactory(public=True, topics=["Energía"])
    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    # The text field for new topics is only for browsers without JavaScript.
    assert not page.locator("#id_new_topics").is_visible()
    page.fill("#id_headline", "Otra noche sin luz en Santiago")
    add_topic(page, "ENERGIA", "Energía")
    add_topic(page, "Apagones en Oriente", "New topic: “Apagones en Oriente”")
    chips = page.locator("#id_tags + .select2 .select2-selection__choice")
    expect(chips).to_have_count(2)
    shot(page, artifacts, "07-one-topic-field")
    save(page)
    article = Article.objects.get(headline="Otra noche sin luz en Santiago")
    assert sorted(article.tags.values_list("name", flat=True)) == ["Apagones en Oriente", "Energía"]
    assert Topic.objects.filter(name__iexact="energia").count() == 0  # no second "Energía"


def test_the_panel_suggests_what_the_text_names_and_adds_it_in_one_click(
    live_server, desk, chromium_browser, artifacts
):
    from playwright.sync_api import expect

    from alliances.models import Country

    factories.PersonFactory(name="Masoud Pezeshkian", aliases="Pezeshkian")
    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    page.fill("#id_headline", "Pezeshkian llega a La Habana")
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").click()
    page.keyboard.type("Los iraníes y los cubanos firmaron; Moscú y Caracas miraron.")
    panel = page.get_by_role("complementary", name="Named in the text")
    expect(panel.get_by_role("button", name="Add Venezuela")).to_be_visible()
    shot(page, artifacts, "08-suggestions")
    # Nothing is added without a click.
    assert page.locator("#id_countries").evaluate("s => s.selectedOptions.length") == 0
    panel.get_by_role("button", name="Add Cuba").click()
    panel.get_by_role("button", name="Add Iran").click()
    panel.get_by_role("button", name="Add Masoud Pezeshkian").click()
    panel.get_by_role("button", name="Dismiss Russia").click()
    expect(panel.get_by_role("button", name="Add Cuba")).to_have_count(0)
    expect(panel.get_by_role("button", name="Add Russia")).to_have_count(0)
    assert "Cuba" in page.locator("#id_countries + .select2").inner_text()
    save(page)
    article = Article.objects.get(headline="Pezeshkian llega a La Habana")
    assert sorted(article.countries.values_list("iso2", flat=True)) == ["CU", "IR"]
    assert [person.name for person in article.people.all()] == ["Masoud Pezeshkian"]
    russia = Country.objects.get(iso2="RU").pk
    assert article.dismissed_suggestions == [f"countries:{russia}"]
    # Reopened, the dismissed one stays dismissed, the rest are still offered.
    page.reload()
    expect(panel.get_by_role("button", name="Add Venezuela")).to_be_visible()
    expect(panel.get_by_role("button", name="Add Russia")).to_have_count(0)


def wait_for_copy(user, **fields) -> None:
    """Until the server holds a working copy of ``user`` with ``fields``."""
    import time

    from django.db import OperationalError

    from newsroom.models import WorkingCopy

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            copy = WorkingCopy.objects.filter(user=user).exclude(changed_at=None).first()
        except OperationalError:  # SQLite's shared test database, busy with the server's write
            copy = None
        if copy and all(value in copy.fields.get(name, "") for name, value in fields.items()):
            return
        time.sleep(0.25)
    pytest.fail(f"no working copy with {fields} reached the server")


def test_a_story_in_a_closed_tab_comes_back_when_the_form_opens_again(live_server, desk, chromium_browser, artifacts):
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    eddie = get_user_model().objects.get(username="eddie")
    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    page.fill("#id_headline", "Crónica que no se guardó")
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").click()
    page.keyboard.type("Tres párrafos escritos antes de que se cerrara la pestaña.")
    # Kept every few seconds while typing...
    wait_for_copy(eddie, headline="Crónica que no se guardó", body="antes de que se cerrara")
    # ...and then the tab is gone without a save (the browser closes).
    page.context.close()

    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    notice = page.get_by_role("region", name="Words you typed were not saved")
    expect(notice).to_contain_text("Crónica que no se guardó")
    shot(page, artifacts, "09-autosaved-copy-offered")
    notice.get_by_role("link", name="Restore it").click()
    expect(page.locator("#id_headline")).to_have_value("Crónica que no se guardó")
    body = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    expect(body).to_contain_text("Tres párrafos escritos antes de que se cerrara la pestaña.")
    page.fill("#id_slug", "cronica-que-no-se-guardo")
    save(page)
    article = Article.objects.get(headline="Crónica que no se guardó")
    assert "antes de que se cerrara la pestaña" in article.body
    assert article.status == Article.Status.DRAFT


def test_leaving_the_page_keeps_a_last_copy(live_server, desk, chromium_browser, artifacts):
    from django.contrib.auth import get_user_model

    eddie = get_user_model().objects.get(username="eddie")
    story = factories.ArticleFactory(headline="Nota guardada")
    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/{story.pk}/change/")
    page.fill("#id_headline", "Nota guardada y corregida")
    page.goto(f"{live_server.url}/admin/")  # at once: before the next five-second copy
    wait_for_copy(eddie, headline="Nota guardada y corregida")
    story.refresh_from_db()
    assert story.headline == "Nota guardada"


def test_a_second_editor_sees_who_else_is_in_the_story(live_server, desk, chromium_browser, artifacts):
    from playwright.sync_api import expect

    factories.editor(username="ana", first_name="Ana", last_name="Pérez")
    story = factories.ArticleFactory(headline="Dos en la misma nota")
    first = new_page(chromium_browser, viewport=DESKTOP)
    log_in(first, live_server, "ana")
    first.goto(f"{live_server.url}/admin/newsroom/article/{story.pk}/change/")
    second = new_page(chromium_browser, viewport=DESKTOP)
    log_in(second, live_server, "eddie")
    second.goto(f"{live_server.url}/admin/newsroom/article/{story.pk}/change/")
    expect(second.locator("#story-presence")).to_have_text(
        "Also in this story now: Ana Pérez. Whoever saves second is told, and nothing is overwritten."
    )
    shot(second, artifacts, "10-someone-else-in-the-story")


# -- A whole story in a few clicks, and by keyboard alone ------------------------------------

STORY_BODY = (
    "Pezeshkian llegó a La Habana para revisar la asociación estratégica Irán-Cuba a diez años. "
    "Los iraníes ofrecieron piezas para las termoeléctricas."
)


@pytest.fixture
def story_records(desk):
    person = factories.PersonFactory(name="Masoud Pezeshkian", aliases="Pezeshkian")
    agreement = factories.AgreementFactory(
        title="Asociación estratégica Irán-Cuba a diez años", party_codes=["IR", "CU"]
    )
    return {"person": person, "agreement": agreement}


def check_published(headline: str, records: dict) -> None:
    article = Article.objects.get(headline=headline)
    assert article.is_public
    assert sorted(article.countries.values_list("iso2", flat=True)) == ["CU", "IR"]
    assert list(article.people.all()) == [records["person"]]
    assert list(article.agreements.all()) == [records["agreement"]]
    assert article.ordered_authors()[0].name == "Eddie Morales"


def test_a_story_is_written_tagged_linked_and_published_in_eight_clicks_or_fewer(
    live_server, story_records, chromium_browser, artifacts
):
    from playwright.sync_api import expect

    clicks = []

    def click(locator, what: str) -> None:
        clicks.append(what)
        locator.click()

    page = new_page(chromium_browser, viewport=DESKTOP)
    log_in(page, live_server, "eddie")
    click(page.get_by_role("link", name="Write a story"), "Write a story")
    page.wait_for_url("**/admin/newsroom/article/add/")
    # Typing: the cursor starts in the headline; the body gets it by focus.
    page.keyboard.type("Pezeshkian revisa en La Habana la alianza con Cuba")
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").focus()
    page.keyboard.type(STORY_BODY)
    panel = page.get_by_role("complementary", name="Named in the text")
    for name in ("Cuba", "Iran", "Masoud Pezeshkian", "Asociación estratégica Irán-Cuba a diez años"):
        click(panel.get_by_role("button", name=f"Add {name}"), f"Add {name}")
    expect(page.locator("#id_agreement_links-0-agreement + .select2")).to_contain_text("Asociación estratégica")
    shot(page, artifacts, "11-eight-clicks-1280")
    with page.expect_navigation():
        click(page.locator("button[name=_action][value=publish]").first, "Publish now")
    assert (
        "Published: “Pezeshkian revisa en La Habana la alianza con Cuba”." in page.locator(".messagelist").inner_text()
    )
    assert len(clicks) <= 8, clicks
    check_published("Pezeshkian revisa en La Habana la alianza con Cuba", story_records)


def test_the_same_story_by_keyboard_alone_on_a_tablet(live_server, story_records, chromium_browser, artifacts):
    from playwright.sync_api import expect

    from tests.test_browser_desk import FOCUS_STATE, PASSWORD, TABLET, tab

    page = new_page(chromium_browser, viewport=TABLET)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_username'")
    page.keyboard.type("eddie")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/admin/")

    def tab_to(matches, what: str, limit: int = 300) -> dict:
        """Tab until ``matches`` the focused control (perhaps the one that
        has the focus already: the panel hands it to the next suggestion)."""
        state = page.evaluate(FOCUS_STATE)
        for _ in range(limit):
            if matches(state):
                assert state["ring"], f"no visible focus on {state}"
                return state
            state = tab(page)
        pytest.fail(f"Tab never reached {what}")

    tab_to(lambda s: s["text"] == "Write a story", "Write a story")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/newsroom/article/add/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_headline'")
    page.keyboard.type("Por teclado: Pezeshkian en La Habana")
    tab_to(lambda s: s["editor"] and s["tag"] == "div", "the body")
    page.keyboard.type(STORY_BODY)
    panel = page.get_by_role("complementary", name="Named in the text")
    expect(panel.get_by_role("button", name="Add Cuba")).to_be_visible()
    for name in ("Cuba", "Iran", "Masoud Pezeshkian", "Asociación estratégica Irán-Cuba a diez años"):
        tab_to(lambda s, name=name: s["text"] == f"+ {name}"[:40], f"Add {name}")
        page.keyboard.press("Enter")
        expect(panel.get_by_role("button", name=f"Add {name}")).to_have_count(0)
    expect(panel).to_contain_text("Everything the text names is added or dismissed.")
    shot(page, artifacts, "12-keyboard-alone-820")
    tab_to(lambda s: s["name"] == "_action" and s["text"] == "Publish now", "Publish now")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_published("Por teclado: Pezeshkian en La Habana", story_records)
