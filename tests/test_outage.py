"""What readers get while the database is unreachable."""

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def refuse(execute, sql, params, many, context):
    """A database that is not answering (connection.execute_wrapper)."""
    raise OperationalError("connection refused")


def test_database_outage_is_a_503_page_with_retry_after(client):
    with connection.execute_wrapper(refuse):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Volvemos en un momento" in response.content.decode()
    # The English edition's readers get it in English.
    with connection.execute_wrapper(refuse):
        response = client.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Back in a moment" in response.content.decode()


def test_site_answers_normally_once_the_database_is_back(client):
    with connection.execute_wrapper(refuse):
        assert client.get("/").status_code == 503
    assert client.get("/").status_code == 200


def test_database_failure_while_the_page_cache_stores_a_page_serves_it_uncached(client, monkeypatch, settings):
    """The page cache asks the database for the stories scheduled within a
    page's lifetime before it stores the page. If the database fails there,
    after the page rendered, the reader still gets the page (not a 500, nor
    a 503 for a page already in hand), and nothing is stored."""
    from newsroom.pagecache import pages as cache

    settings.PAGE_CACHE_ENABLED = True

    def fail():
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patched:
        patched.setattr(cache, "_scheduled", fail)
        client.raise_request_exception = False
        response = client.get("/")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response  # neither a hit nor stored
    assert client.get("/")["X-Page-Cache"] == "miss"  # the database is back: rendered and stored now


def test_health_endpoint_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"
