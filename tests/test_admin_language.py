"""The admin speaks each person's chosen language: Spanish unless they
choose English (issue "The story form in fewer clicks"). The suite reads
the admin in English (tests/settings.py); these tests set the product's
default back."""

import pytest
from django.test import override_settings
from django.urls import reverse

from newsroom.models import StaffPreferences

pytestmark = pytest.mark.django_db

LANGUAGE_URL = reverse("admin:language")
ADD_URL = reverse("admin:newsroom_article_add")


@override_settings(ADMIN_LANGUAGE_CODE="es")
def test_the_admin_speaks_spanish_to_whoever_chose_nothing(editor_client):
    response = editor_client.get(ADD_URL)
    page = response.content.decode()
    assert response["Content-Language"] == "es"
    assert ">Guardar borrador</button>" in page
    assert ">Publicar ahora</button>" in page
    assert "Cerrar sesión" in page  # Django's own words too
    assert "hora de Cuba" in page


@override_settings(ADMIN_LANGUAGE_CODE="es")
def test_choosing_english_sticks_to_the_person(editor_client, editor_user):
    response = editor_client.post(LANGUAGE_URL, {"language": "en", "next": ADD_URL})
    assert response.status_code == 302 and response["Location"] == ADD_URL
    assert StaffPreferences.objects.get(user=editor_user).language == "en"
    page = editor_client.get(ADD_URL).content.decode()
    assert ">Save draft</button>" in page
    assert '<button type="submit" name="language" value="en" lang="en" aria-current="true" disabled>' in page
    # A new session (another computer) keeps the choice.
    editor_client.logout()
    editor_client.force_login(editor_user)
    assert editor_client.get(ADD_URL)["Content-Language"] == "en"
    # And back to Spanish.
    editor_client.post(LANGUAGE_URL, {"language": "es", "next": ADD_URL})
    assert ">Guardar borrador</button>" in editor_client.get(ADD_URL).content.decode()


@override_settings(ADMIN_LANGUAGE_CODE="es")
def test_the_readers_pages_keep_their_editions_language(client, editor_user):
    StaffPreferences.objects.create(user=editor_user, language="en")
    client.force_login(editor_user)
    assert client.get("/")["Content-Language"] == "es"


@pytest.mark.parametrize(
    ("data", "status", "location"),
    [
        ({"language": "fr"}, 400, None),
        ({"language": "en", "next": "https://evil.example/"}, 302, "/admin/"),
        ({"language": "en", "next": "//evil.example/"}, 302, "/admin/"),
    ],
)
def test_a_bad_choice_is_a_400_and_a_foreign_next_goes_home(editor_client, data, status, location):
    response = editor_client.post(LANGUAGE_URL, data)
    assert response.status_code == status
    if location:
        assert response["Location"] == location


def test_the_switch_answers_only_a_post_from_staff(client, editor_client):
    assert editor_client.get(LANGUAGE_URL).status_code == 405


def test_anonymous_cannot_choose(client):
    response = client.post(LANGUAGE_URL, {"language": "en"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not StaffPreferences.objects.exists()
