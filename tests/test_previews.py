"""Shareable previews: a signed link shows an unpublished article, as it is
now, to anyone holding it, with a "Preview" banner and noindex; it stops
when revoked or expired; without it a draft stays 404."""

from datetime import timedelta
from html import unescape

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsroom.editorial import services
from newsroom.models import PreviewLink
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def links_url(article) -> str:
    return reverse("admin:newsroom_article_preview_links", args=[article.pk])


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def draft(db):
    return ArticleFactory(headline="Embargoed: the treaty text", body="<p>Draft body.</p>")


@pytest.fixture
def link(draft, editor_user):
    return services.create_preview_link(article=draft, user=editor_user)


# -- Making links in the admin --------------------------------------------------------


def test_editor_makes_a_link_from_the_article_page(editor_client, draft, monkeypatch):
    # A token carries the second it was signed: the page and the assertion
    # below must sign within the same one, however slow the machine.
    monkeypatch.setattr("django.core.signing.TimestampSigner.timestamp", lambda self: "1xXJrc")
    change = editor_client.get(reverse("admin:newsroom_article_change", args=[draft.pk])).content.decode()
    assert links_url(draft) in change
    response = editor_client.post(links_url(draft), {"create": "1", "days": "7"}, follow=True)
    assert response.status_code == 200
    link = PreviewLink.objects.get(article=draft)
    assert link.created_by.username == "eddie"
    assert timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= timedelta(days=7)
    assert link.get_absolute_url() in page(response)


def test_a_link_can_last_fewer_days_but_not_forever(editor_client, draft):
    editor_client.post(links_url(draft), {"create": "1", "days": "1"})
    assert PreviewLink.objects.get().expires_at - timezone.now() <= timedelta(days=1)
    for days in ("365", "0", "abc"):
        editor_client.post(links_url(draft), {"create": "1", "days": days})
    assert PreviewLink.objects.count() == 1


def test_writer_shares_own_draft_but_not_a_colleagues(writer_client, writer_user, draft):
    own = ArticleFactory(created_by=writer_user)
    assert writer_client.post(links_url(own), {"create": "1", "days": "7"}).status_code == 302
    assert PreviewLink.objects.filter(article=own).exists()
    assert writer_client.post(links_url(draft), {"create": "1", "days": "7"}).status_code == 404
    assert not PreviewLink.objects.filter(article=draft).exists()


def test_no_link_for_a_public_article(editor_user):
    article = ArticleFactory(public=True)
    with pytest.raises(ValidationError):
        services.create_preview_link(article=article, user=editor_user)


# -- Opening a link ---------------------------------------------------------------------


def test_anyone_with_the_link_sees_the_current_draft_marked_as_a_preview(client, link, draft):
    draft.body = "<p>Edited after the link was made.</p>"
    draft.save()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    html = page(response)
    assert "Embargoed: the treaty text" in html
    assert "Edited after the link was made." in html
    # /preview/ is outside the editions: the site's chrome speaks the default
    # language (Spanish) around the story, whatever the story's language.
    assert "Vista previa — no es pública." in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_without_the_link_the_draft_stays_404(client, link, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "1",
        signing.dumps(1),  # signed, but not for previews
        signing.dumps(1, salt="newsroom.preview-link") + "x",
        signing.dumps("1", salt="newsroom.preview-link"),
        signing.dumps(True, salt="newsroom.preview-link"),
        "%00",
    ],
    # Named, since a signed token holds the time it was made: ids taken from
    # the tokens would differ between pytest-xdist's workers.
    ids=["nonsense", "number", "signed-for-something-else", "tampered", "string-id", "boolean-id", "nul"],
)
def test_a_forged_or_mangled_token_is_404(client, link, token):
    assert client.get(f"/preview/{token}/").status_code == 404


def test_a_token_for_a_link_that_does_not_exist_is_404(client, link):
    missing = signing.dumps(link.pk + 1000, salt="newsroom.preview-link")
    assert client.get(f"/preview/{missing}/").status_code == 404


def test_a_revoked_link_stops_working_with_a_clear_page(client, editor_client, link, draft):
    assert client.get(link.get_absolute_url()).status_code == 200
    response = editor_client.post(links_url(draft), {"revoke": str(link.pk)})
    assert response.status_code == 302
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    html = page(response)
    assert "Este enlace de vista previa ya no funciona" in html  # "This preview link no longer works"
    assert "retiró este enlace" in html  # "withdrew this link"
    assert "Embargoed" not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_expired_link_stops_working(client, link):
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "El enlace venció" in page(response)  # "The link expired"
    assert "Embargoed" not in page(response)


def test_once_published_the_link_leads_to_the_public_page(client, link, draft, editor_user):
    services.publish(article=draft, user=editor_user)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()


def test_a_scheduled_article_is_previewed_until_its_time(client, link, draft, editor_user):
    services.schedule(article=draft, user=editor_user, at=timezone.now() + timedelta(hours=2))
    assert client.get(link.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_previews_are_never_served_from_the_page_cache(settings, link, draft):
    settings.PAGE_CACHE_ENABLED = True
    reader = Client()
    first = reader.get(link.get_absolute_url())
    assert "X-Page-Cache" not in first
    draft.headline = "A new headline"
    draft.save()
    second = reader.get(link.get_absolute_url())
    assert "A new headline" in page(second)
    assert "X-Page-Cache" not in second


def test_links_page_lists_links_and_their_state(editor_client, editor_user, draft, link):
    expired = services.create_preview_link(article=draft, user=editor_user)
    PreviewLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    html = page(editor_client.get(links_url(draft)))
    assert link.get_absolute_url() in html
    assert expired.get_absolute_url() not in html
    assert "Active" in html and "Expired" in html
