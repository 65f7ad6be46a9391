"""Whatever HTML reaches the body field, the stored body carries no script,
event handler, style, frame or dangerous URL. Posted raw through the admin,
as an attacker with a writer's account (or a compromised browser) would."""

import pytest
from django.urls import reverse

from newsroom.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:newsroom_article_add")

PAYLOADS = {
    "script": '<p>Text</p><script>alert("x")</script>',
    "script_in_paragraph": "<p>Text<script>document.cookie</script></p>",
    "onclick": '<p onclick="alert(1)">Text</p>',
    "img_onerror": "<p>Text</p><img src=x onerror=alert(1)>",
    "svg_onload": "<p>Text</p><svg onload=alert(1)><circle r=1></circle></svg>",
    "style_attr": '<p style="background:url(javascript:alert(1))">Text</p>',
    "style_tag": "<style>body{display:none}</style><p>Text</p>",
    "iframe": '<p>Text</p><iframe src="https://evil.example/"></iframe>',
    "javascript_href": '<p><a href="javascript:alert(1)">Text</a></p>',
    "mixed_case_javascript": '<p><a href="JaVaScRiPt:alert(1)">Text</a></p>',
    "entity_javascript": '<p><a href="&#106;avascript:alert(1)">Text</a></p>',
    "spaced_javascript": '<p><a href="  javascript:alert(1)">Text</a></p>',
    "data_href": '<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Text</a></p>',
    "object_embed": '<p>Text</p><object data="x.swf"></object><embed src="x.swf">',
    "form": '<form action="https://evil.example/"><input name="password"></form><p>Text</p>',
    "meta_refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/"><p>Text</p>',
    "math_mxss": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>"
    ),
    "onmouseover_link": '<p><a href="https://example.org/" onmouseover="alert(1)">Text</a></p>',
}

FORBIDDEN = [
    "<script",
    "alert(",
    "onclick",
    "onerror",
    "onload",
    "onmouseover",
    "style",
    "<iframe",
    "javascript:",
    "data:",
    "<svg",
    "<img",
    "<object",
    "<embed",
    "<form",
    "<input",
    "<meta",
    "<math",
]


def assert_clean(body: str) -> None:
    lowered = body.lower()
    for needle in FORBIDDEN:
        assert needle not in lowered, f"{needle!r} survived in {body!r}"


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_admin_add_stores_no_dangerous_html(writer_client, admin_form_data, payload):
    data = admin_form_data(writer_client, ADD_URL)
    data.update({"headline": "Raw post", "slug": "raw-post", "body": payload})
    response = writer_client.post(ADD_URL, data)
    assert response.status_code == 302
    assert_clean(Article.objects.get(slug="raw-post").body)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_admin_change_stores_no_dangerous_html(editor_client, admin_form_data, payload):
    article = ArticleFactory()
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    data = admin_form_data(editor_client, url)
    data["body"] = payload
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert_clean(article.body)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_saving_from_code_sanitises_too(payload):
    article = ArticleFactory(body=payload)
    article.refresh_from_db()
    assert_clean(article.body)


def test_the_story_itself_survives_sanitising(editor_client, admin_form_data):
    body = (
        "<h2>Background</h2><p>The <strong>treaty</strong> was <em>signed</em> in "
        '<a href="https://example.org/treaty">Moscow</a>.</p><blockquote><p>Quote</p></blockquote>'
        "<ul><li>One</li><li>Two</li></ul>"
    )
    data = admin_form_data(editor_client, ADD_URL)
    data.update({"headline": "Kept", "slug": "kept", "body": body})
    assert editor_client.post(ADD_URL, data).status_code == 302
    stored = Article.objects.get(slug="kept").body
    for kept in ("<h2>Background</h2>", "<strong>treaty</strong>", "<em>signed</em>", "<blockquote>", "<li>Two</li>"):
        assert kept in stored
    assert 'href="https://example.org/treaty"' in stored


def test_markup_in_a_headline_is_shown_escaped_in_the_admin_list(editor_client):
    ArticleFactory(headline='<script>alert("x")</script> Headline')
    html = editor_client.get(reverse("admin:newsroom_article_changelist")).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
