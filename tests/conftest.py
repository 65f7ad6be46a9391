import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def writer_user(db):
    return factories.writer(username="wendy")


@pytest.fixture
def editor_user(db):
    return factories.editor(username="eddie")


@pytest.fixture
def writer_client(client, writer_user):
    client.force_login(writer_user)
    return client


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client
