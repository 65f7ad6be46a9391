"""Control characters pasted into an editor's field are dropped before they
are stored, and text stored with them before (older rows, imports) still
makes valid HTML and XML."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection

from newsroom.core.text import UNWANTED_CONTROLS, without_controls
from newsroom.models import Article, Topic
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

PASTED = "Rusia\x00 abre\x01 línea\x0b de\x1f crédito\x7f a\x85 Cuba\ufffe"


def test_what_is_dropped_and_what_stays():
    assert without_controls(PASTED) == "Rusia abre línea de crédito a Cuba"
    kept = "tab\there\nnew line\r\nend, ñ ü — “quotes” 🇨🇺"
    assert without_controls(kept) == kept


def test_the_admin_stores_pasted_text_without_control_characters(editor_client, admin_form_data):
    article = ArticleFactory(language="es")
    url = f"/admin/newsroom/article/{article.pk}/change/"
    data = admin_form_data(editor_client, url)
    data.update(headline=PASTED, dek="Un\x02 sumario", image_caption="Pie\x1b de foto", body="<p>Texto\x08 limpio</p>")
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.headline == "Rusia abre línea de crédito a Cuba"
    assert article.dek == "Un sumario"
    assert article.image_caption == "Pie de foto"
    assert "Texto limpio" in article.body


def test_every_record_is_cleaned_whoever_saves_it():
    topic = Topic.objects.create(name="energía\x03 solar")
    assert topic.name == "energía solar"
    author = AuthorFactory(name="Ana\x00 Ruiz", bio="Cubre\x07 el Caribe.")
    author.refresh_from_db()
    assert (author.name, author.bio) == ("Ana Ruiz", "Cubre el Caribe.")


def test_text_stored_with_control_characters_still_makes_valid_html_and_xml(client):
    article = ArticleFactory(public=True, language="es", topics=["energía"], authors=[AuthorFactory(name="Ana Ruiz")])
    table = connection.ops.quote_name(Article._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET headline = %s, dek = %s WHERE id = %s",  # noqa: S608 - our table
            ["Titular\x01 viejo\x0c", "Su\x1fmario", article.pk],
        )
    article.refresh_from_db()
    from newsroom.stored import documents

    documents.refresh([article.pk])
    for path in (article.get_absolute_url(), "/", "/topics/energia/", "/search/?q=Titular"):
        html = client.get(path).content.decode()
        assert not UNWANTED_CONTROLS.search(html), path
    for path in ("/feed/", "/feed/atom/", "/news-sitemap.xml"):
        response = client.get(path)
        assert response.status_code == 200, path
        ET.fromstring(response.content)  # noqa: S314 - our own feed; refuses a control character
        assert "Titular viejo" in response.content.decode(), path
