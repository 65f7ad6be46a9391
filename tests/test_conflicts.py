"""Edit conflicts: two people open the same article (or agreement) and both
save. The second save is refused with a form error naming who saved first,
the second person's text stays on the form, and nothing is overwritten,
including when both saves reach the database at the same moment."""

import threading
from html import unescape

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from alliances.models import Agreement
from newsroom.editorial import services
from newsroom.editorial.forms import EditLockFormMixin
from newsroom.models import Article
from tests import factories
from tests.factories import AgreementFactory, ArticleFactory
from tests.responses import change_url

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_editors(db):
    ana = factories.editor(username="ana", first_name="Ana", last_name="Pérez")
    luis = factories.editor(username="luis", first_name="Luis", last_name="Gómez")
    return logged_in(ana), logged_in(luis)


def page_text(response) -> str:
    return unescape(response.content.decode())


# -- Two people, one after the other ------------------------------------------------


def test_the_second_save_is_refused_and_keeps_the_second_persons_text(two_editors, admin_form_data):
    ana, luis = two_editors
    article = ArticleFactory(headline="Original headline", body="<p>Original.</p>")
    ana_form = admin_form_data(ana, change_url(article))
    luis_form = admin_form_data(luis, change_url(article))

    ana_form["headline"] = "Ana's headline"
    assert ana.post(change_url(article), ana_form).status_code == 302

    luis_form["headline"] = "Luis's headline"
    luis_form["body"] = "<p>Luis rewrote the story.</p>"
    response = luis.post(change_url(article), luis_form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert "Ana Pérez saved this article" in errors[0]
    page = page_text(response)
    assert "Ana Pérez saved this article" in page
    assert 'value="Luis\'s headline"' in page or "Luis's headline" in page
    assert "Luis rewrote the story." in page
    article.refresh_from_db()
    assert article.headline == "Ana's headline"
    assert article.body == "<p>Original.</p>"
    assert article.last_edited_by.username == "ana"


def test_saving_again_from_the_refused_form_is_still_refused(two_editors, admin_form_data):
    ana, luis = two_editors
    article = ArticleFactory(headline="Original")
    ana_form = admin_form_data(ana, change_url(article))
    luis_form = admin_form_data(luis, change_url(article))
    ana_form["headline"] = "Ana's"
    ana.post(change_url(article), ana_form)
    luis_form["headline"] = "Luis's"
    luis.post(change_url(article), luis_form)
    # Pressing Save once more on the same page sends the same old version.
    assert luis.post(change_url(article), luis_form).status_code == 200
    article.refresh_from_db()
    assert article.headline == "Ana's"


def test_after_reloading_the_second_person_can_save(two_editors, admin_form_data):
    ana, luis = two_editors
    article = ArticleFactory(headline="Original")
    luis_form = admin_form_data(luis, change_url(article))
    ana_form = admin_form_data(ana, change_url(article))
    ana_form["headline"] = "Ana's"
    ana.post(change_url(article), ana_form)
    luis_form["headline"] = "Luis's"
    assert luis.post(change_url(article), luis_form).status_code == 200
    fresh = admin_form_data(luis, change_url(article))
    fresh["headline"] = "Luis's, after reading Ana's"
    assert luis.post(change_url(article), fresh).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Luis's, after reading Ana's"


def test_a_status_change_by_someone_else_is_a_conflict_too(two_editors, admin_form_data):
    ana, luis = two_editors
    article = ArticleFactory(headline="Draft")
    luis_form = admin_form_data(luis, change_url(article))
    # Ana publishes from the article list while Luis has the form open.
    response = ana.post(
        reverse("admin:newsroom_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302
    luis_form["headline"] = "Luis's"
    response = luis.post(change_url(article), luis_form)
    assert response.status_code == 200
    assert "Ana Pérez saved this article" in page_text(response)
    article.refresh_from_db()
    # Luis's form still said "draft": it must not unpublish Ana's publication.
    assert article.is_public
    assert article.headline == "Draft"


def test_a_post_without_the_loaded_version_is_refused(editor_client, admin_form_data):
    article = ArticleFactory(headline="Original")
    data = admin_form_data(editor_client, change_url(article))
    del data["loaded_version"]
    data["headline"] = "Changed"
    assert editor_client.post(change_url(article), data).status_code == 200
    article.refresh_from_db()
    assert article.headline == "Original"


def test_two_editors_on_an_agreement(two_editors, admin_form_data):
    ana, luis = two_editors
    agreement = AgreementFactory(title="Iran–Cuba partnership")
    ana_form = admin_form_data(ana, change_url(agreement))
    luis_form = admin_form_data(luis, change_url(agreement))
    ana_form["title"] = "Iran–Cuba strategic partnership"
    assert ana.post(change_url(agreement), ana_form).status_code == 302
    luis_form["summary"] = "Luis's summary"
    response = luis.post(change_url(agreement), luis_form)
    assert response.status_code == 200
    assert "Ana Pérez saved this agreement" in page_text(response)
    assert "Luis's summary" in page_text(response)
    agreement.refresh_from_db()
    assert (agreement.title, agreement.summary) == ("Iran–Cuba strategic partnership", "")


# -- The database write itself ---------------------------------------------------------


def test_claim_edit_takes_only_the_version_it_expects(editor_user):
    article = ArticleFactory()
    services.claim_edit(instance=article, expected_version=0, user=editor_user)
    assert Article.objects.get(pk=article.pk).lock_version == 1
    stale = Article.objects.get(pk=article.pk)
    with pytest.raises(services.EditConflict):
        services.claim_edit(instance=stale, expected_version=0, user=editor_user)
    assert Article.objects.get(pk=article.pk).lock_version == 1


def test_when_both_saves_pass_the_form_check_the_database_refuses_the_second(two_editors, admin_form_data, monkeypatch):
    """Both forms are checked before either save is written (the race): the
    form check sees no conflict, and the UPDATE ... WHERE lock_version
    refuses the second save. The form comes back with the same error."""
    ana, luis = two_editors
    article = ArticleFactory(headline="Original")
    ana_form = admin_form_data(ana, change_url(article))
    luis_form = admin_form_data(luis, change_url(article))
    check = EditLockFormMixin._check_edit_lock

    def checked_too_early(form, sent):
        # The check ran before Ana's save committed: it saw no conflict.
        # Only the form shown again after the refused write checks for real.
        if form.known_conflict:
            check(form, sent)

    monkeypatch.setattr(EditLockFormMixin, "_check_edit_lock", checked_too_early)
    ana_form["headline"] = "Ana's"
    assert ana.post(change_url(article), ana_form).status_code == 302
    luis_form["headline"] = "Luis's"
    response = luis.post(change_url(article), luis_form)
    assert response.status_code == 200
    assert "Ana Pérez saved this article" in page_text(response)
    article.refresh_from_db()
    assert article.headline == "Ana's"
    assert article.lock_version == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_posts_one_wins_the_other_gets_the_error(admin_form_data, monkeypatch):
    """The real race, on PostgreSQL: two clients in two threads, each with
    its own database connection, both pass the form check, then both write.
    The row lock makes the second UPDATE wait for the first to commit and
    then match no row."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent database connections; SQLite locks the whole file for a writer")
    ana_user = factories.editor(username="ana", first_name="Ana", last_name="Pérez")
    luis_user = factories.editor(username="luis", first_name="Luis", last_name="Gómez")
    article = ArticleFactory(headline="Original")
    clients = {"ana": logged_in(ana_user), "luis": logged_in(luis_user)}
    forms = {name: admin_form_data(client, change_url(article)) for name, client in clients.items()}
    forms["ana"]["headline"] = "Ana's"
    forms["luis"]["headline"] = "Luis's"

    both_checked = threading.Barrier(2, timeout=20)
    waited = set()
    check = EditLockFormMixin._check_edit_lock

    def check_then_wait(form, sent):
        check(form, sent)
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            both_checked.wait()

    monkeypatch.setattr(EditLockFormMixin, "_check_edit_lock", check_then_wait)
    responses = {}

    def post(name):
        try:
            responses[name] = clients[name].post(change_url(article), forms[name])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = sorted(response.status_code for response in responses.values())
    assert codes == [200, 302]
    winner = next(name for name, response in responses.items() if response.status_code == 302)
    loser = next(name for name in responses if name != winner)
    article.refresh_from_db()
    assert article.headline == forms[winner]["headline"]
    assert article.lock_version == 1
    winner_name = {"ana": "Ana Pérez", "luis": "Luis Gómez"}[winner]
    assert f"{winner_name} saved this article" in page_text(responses[loser])
    assert forms[loser]["headline"] in page_text(responses[loser])


def test_an_agreement_claim_is_refused_on_a_stale_version(editor_user):
    agreement = AgreementFactory()
    Agreement.objects.filter(pk=agreement.pk).update(lock_version=5)
    with pytest.raises(services.EditConflict):
        services.claim_edit(instance=agreement, expected_version=4, user=editor_user)
