"""``manage.py load_demo`` from an empty database: the addresses it prints
and the addresses it refuses (the demo itself is in test_demo.py)."""

import pytest
from django.core.management.base import CommandError

from newsroom.models import Article
from tests.test_demo import load_demo

pytestmark = pytest.mark.django_db


def test_printed_links_follow_the_url_option():
    output = load_demo(url="https://news.example.org/")
    assert "Site:   https://news.example.org/\n" in output
    assert "Admin:  https://news.example.org/admin/" in output
    assert "https://news.example.org/articles/" in output


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/", "javascript:alert(1)"])
def test_a_bad_url_is_refused_before_anything_is_written(url):
    with pytest.raises(CommandError, match="--url"):
        load_demo(url=url)
    assert not Article.objects.exists()
