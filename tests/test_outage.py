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
    assert "Back in a moment" in response.content.decode()


def test_site_answers_normally_once_the_database_is_back(client):
    with connection.execute_wrapper(refuse):
        assert client.get("/").status_code == 503
    assert client.get("/").status_code == 200


def test_database_failure_in_a_middleware_is_a_503_too(client, monkeypatch, settings):
    """The page cache asks the database for the stories scheduled within a
    page's lifetime before it stores the page; an outage there must not
    become a 500."""
    from newsroom.pagecache import pages as cache

    settings.PAGE_CACHE_ENABLED = True

    def fail():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(cache, "_scheduled", fail)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_health_endpoint_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"
