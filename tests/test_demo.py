"""``manage.py load_demo``: the launch story as STORY.md tells it, records that
say no more than is known, demo accounts with a password printed once, and a
second run that changes nothing."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from alliances.models import Agreement, Country, Organization, Person
from newsroom.demo import content
from newsroom.editorial import services
from newsroom.models import Article, Author, EditorialEvent
from tests.conftest import rolled_back

pytestmark = pytest.mark.django_db


def load_demo(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"username: (\S+)\n\s+password: (\S+)", output))


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """The demo as a first run leaves it, loaded once for the module; each
    test's own changes are rolled back after it (its savepoint inside this
    transaction). What a run from an empty database prints or refuses is in
    test_demo_command.py."""
    with rolled_back(django_db_blocker):
        yield load_demo()


def launch() -> Article:
    return Article.objects.get(slug=content.LAUNCH_SLUG)


def agreement(slug: str) -> Agreement:
    return Agreement.objects.get(slug=slug)


def row_counts() -> dict[str, int]:
    """Rows in every table the demo writes to, including the link tables."""
    counts = {}
    for app_label in ("newsroom", "alliances", "auth", "taggit"):
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            counts[model._meta.label] = model._default_manager.count()
    return counts


def test_both_demo_accounts_write_under_a_byline_of_their_own(first_run):
    """The story form starts with the byline of the person writing, so the
    demo editor has one too."""
    assert Author.objects.get(slug="demo-editor").user.username == "editor"
    assert Author.objects.get(slug="demo-writer").user.username == "writer"


def test_second_run_duplicates_nothing(first_run):
    before = row_counts()
    second = load_demo()
    assert row_counts() == before
    assert before["newsroom.Article"] == len(content.ARTICLES) + len(content.TRANSLATIONS)
    assert before["alliances.Agreement"] == len(content.AGREEMENTS)
    assert "nothing to add" in second


def test_second_run_keeps_an_editors_changes(first_run):
    Article.objects.filter(slug=content.LAUNCH_SLUG).update(headline="Titular corregido por la editora")
    Agreement.objects.filter(slug=content.TREATY).update(status=Agreement.Status.SIGNED)
    launch().sources.filter(outlet="IRNA").delete()

    load_demo()

    assert launch().headline == "Titular corregido por la editora"
    assert agreement(content.TREATY).status == Agreement.Status.SIGNED
    assert list(launch().sources.values_list("outlet", flat=True)) == ["Infobae", "Europa Press"]


def test_a_deleted_demo_article_comes_back_on_the_next_run(first_run):
    Article.objects.filter(slug=content.SCHEDULED_SLUG).delete()
    load_demo()
    assert Article.objects.get(slug=content.SCHEDULED_SLUG).is_scheduled


def test_launch_story_is_public_with_its_tags_and_sources(first_run, client):
    response = client.get(launch().get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Irán, Rusia y Cuba estrechan su alianza frente a las sanciones" in html
    assert '<html lang="es"' in html

    article = launch()
    assert article.language == "es"
    assert [a.name for a in article.ordered_authors()] == ["Editorial Team"]
    assert article.authors.get().bio
    assert set(article.countries.values_list("iso2", flat=True)) == {"IR", "RU", "CU", "KP"}
    assert set(article.tags.names()) == {"alianzas estratégicas", "sanciones", "crisis energética", "geopolítica"}
    assert list(article.sources.values_list("outlet", "url")) == [
        ("Infobae", ""),
        ("IRNA", ""),
        ("Europa Press", ""),
    ]
    assert not article.videos.exists()


def test_launch_story_body_has_the_five_sections(first_run):
    headings = re.findall(r"<h2>(.*?)</h2>", launch().body)
    assert [h.split(":")[0] for h in headings] == [
        "Irán y Cuba",
        "Rusia e Irán",
        "Cuba y Rusia",
        "Contexto geopolítico",
        "Perspectivas",
    ]
    assert "<blockquote>" in launch().body
    assert "Jafarian" in re.search(r"<blockquote>(.*?)</blockquote>", launch().body, re.S).group(1)


def test_hero_image_is_an_illustration_with_alt_caption_and_credit(first_run, client):
    article = launch()
    with article.image.open("rb") as f, Image.open(f) as image:
        assert image.size == (1600, 900)
    # The alt text says what the picture is; it must not claim to show the leaders.
    assert article.image_alt.startswith("Ilustración")
    assert not any(name in article.image_alt for name in ("Putin", "Pezeshkian", "Díaz-Canel"))
    assert all(name in article.image_caption for name in ("Putin", "Pezeshkian", "Díaz-Canel"))
    assert "redes sociales" in article.image_credit
    assert "iraní" in article.image_credit

    html = client.get(article.get_absolute_url()).content.decode()
    assert f'alt="{article.image_alt}"' in html
    assert article.image_caption in html
    assert article.image_credit in html


def test_missing_hero_file_is_drawn_again(first_run):
    article = launch()
    article.image.storage.delete(article.image.name)
    output = load_demo()
    assert article.image.storage.exists(launch().image.name)
    assert "drawn again" in output


def test_other_published_stories_are_public_and_linked(first_run, client):
    public = Article.objects.published().exclude(slug__in=[content.LAUNCH_SLUG, content.LAUNCH_EN_SLUG])
    assert 2 <= public.count() <= 3
    for article in public:
        assert client.get(article.get_absolute_url()).status_code == 200
        assert article.tags.exists()
        assert article.countries.count() >= 2
        assert article.agreement_links.exists()


def test_launch_story_leads_the_home_page(first_run, client):
    html = client.get("/").content.decode()
    # The Spanish front page: its English translation leads the English one.
    lead = launch()
    others = Article.objects.published().filter(language=lead.language).exclude(slug=content.LAUNCH_SLUG)
    assert others and html.index(lead.headline) < min(html.index(a.headline) for a in others)


def test_past_stories_do_not_claim_a_later_update(first_run):
    for article in Article.objects.published():
        assert article.created_at == article.updated_at == article.published_at


def test_draft_and_scheduled_articles_stay_invisible(first_run, client):
    draft = Article.objects.get(slug=content.DRAFT_SLUG)
    scheduled = Article.objects.get(slug=content.SCHEDULED_SLUG)
    assert draft.status == Article.Status.DRAFT
    assert scheduled.status == Article.Status.PUBLISHED and scheduled.is_scheduled

    home = client.get("/").content.decode()
    for article in (draft, scheduled):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert article.headline not in home
        assert not article.is_public


def test_articles_are_published_through_the_workflow_by_the_editor(first_run):
    events = EditorialEvent.objects.filter(user__username="editor")
    assert events.filter(article=launch(), action="publish").exists()
    assert events.filter(article__slug=content.SCHEDULED_SLUG, action="schedule").exists()
    assert not EditorialEvent.objects.filter(article__slug=content.DRAFT_SLUG).exists()


def test_the_2001_agreement_is_superseded_and_dated_to_the_year_only(first_run):
    old, new = agreement(content.TREATY_2001), agreement(content.TREATY)
    assert new.supersedes == old
    assert old.status == Agreement.Status.SUPERSEDED
    assert old.duration_years == 20
    assert old.display_date("signed_on") == "2001"
    assert old.date_iso("signed_on") == "2001"


def test_the_new_treaty_keeps_unknown_dates_unknown(first_run):
    treaty = agreement(content.TREATY)
    assert treaty.kind == Agreement.Kind.TREATY
    assert treaty.status == Agreement.Status.ANNOUNCED
    # Signing was scheduled for 17 January of a year nobody stated.
    assert treaty.signed_on is None and treaty.announced_on is None
    assert set(treaty.sectors.values_list("slug", flat=True)) == {"energy", "transport", "manufacturing"}
    assert set(treaty.countries.values_list("iso2", flat=True)) == {"RU", "IR"}
    assert list(treaty.sources.values_list("outlet", "url", "published_on")) == [("Europa Press", "", None)]


def test_iran_cuba_partnership_and_its_commission(first_run):
    partnership, commission = agreement(content.PARTNERSHIP), agreement(content.COMMISSION)
    assert partnership.kind == Agreement.Kind.STRATEGIC_PARTNERSHIP
    assert partnership.duration_years == 10
    assert partnership.status == Agreement.Status.UNDER_NEGOTIATION
    assert commission.kind == Agreement.Kind.COMMISSION
    assert commission.part_of == partnership
    assert set(partnership.sources.values_list("outlet", flat=True)) == {"Infobae", "IRNA"}


def parties(slug: str) -> set[tuple[str, str]]:
    return set(agreement(slug).parties.values_list("country__iso2", "role"))


def test_russia_lends_to_cuba_and_invests_there(first_run):
    assert parties(content.CREDIT) == {("RU", "lender"), ("CU", "borrower")}
    assert set(agreement(content.CREDIT).sectors.values_list("slug", flat=True)) == {"infrastructure", "energy"}
    for project in (content.MARIEL, content.PORTS):
        assert agreement(project).kind == Agreement.Kind.INVESTMENT_PROJECT
        assert parties(project) == {("RU", "investor"), ("CU", "host")}
    cooperation = agreement(content.COOPERATION)
    assert set(cooperation.sectors.values_list("slug", flat=True)) == {
        "defense",
        "security",
        "technology",
        "judicial",
        "media",
    }


def test_events_allegations_and_north_korea_are_not_agreements(first_run):
    assert Agreement.objects.count() == 8
    for word in ("exposición", "exhibición", "misil", "Corea"):
        assert not Agreement.objects.filter(title__icontains=word).exists()
    north_korea = Country.objects.get(iso2="KP")
    assert not north_korea.agreements.exists()
    assert launch() in Article.objects.filter(countries=north_korea)
    # No record carries a date the story does not give.
    dated = Agreement.objects.exclude(signed_on=None)
    assert list(dated.values_list("slug", flat=True)) == [content.TREATY_2001]
    assert not Agreement.objects.exclude(announced_on=None, in_force_on=None, expires_on=None).exists()


def test_launch_story_links_its_agreements_people_and_organisations(first_run):
    article = launch()
    about = set(article.agreement_links.filter(relation="about").values_list("agreement__slug", flat=True))
    assert about == {content.PARTNERSHIP, content.TREATY, content.CREDIT}
    assert article.agreements.count() == 8
    assert all(link.note for link in article.agreement_links.all())
    assert set(article.people.values_list("slug", flat=True)) == {
        "vladimir-putin",
        "masoud-pezeshkian",
        "miguel-diaz-canel",
        "ali-jafarian",
    }
    assert set(article.organizations.values_list("slug", flat=True)) == {
        "irna",
        "infobae",
        "europa-press",
        "novikombank",
    }


def test_people_and_organisations_have_roles_and_countries(first_run):
    assert Person.objects.get(slug="miguel-diaz-canel").country.iso2 == "CU"
    assert Person.objects.get(name="Ali Jafarian").role == "Ministro de Salud de Irán"
    outlets = dict(Organization.objects.values_list("name", "country__iso2"))
    assert outlets == {"IRNA": "IR", "Infobae": "AR", "Europa Press": "ES", "Novikombank": "RU"}
    assert Organization.objects.get(name="Novikombank").kind == Organization.Kind.BANK


def test_editor_password_is_random_printed_once_and_works(first_run, client):
    password = printed_passwords(first_run)["editor"]
    assert len(password) >= 20
    assert client.login(username="editor", password=password)
    editor = get_user_model().objects.get(username="editor")
    assert editor.is_staff and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editor"]
    assert client.get("/admin/").status_code == 200

    second = load_demo()
    assert password not in second
    assert printed_passwords(second) == {}
    assert "changepassword editor" in second


def test_a_changed_password_survives_the_next_run(first_run, client):
    editor = get_user_model().objects.get(username="editor")
    editor.set_password("my own long passphrase")
    editor.save()
    load_demo()
    assert client.login(username="editor", password="my own long passphrase")


def test_writer_account_owns_the_draft(first_run, client):
    passwords = printed_passwords(first_run)
    assert passwords["writer"] != passwords["editor"]
    assert client.login(username="writer", password=passwords["writer"])
    writer = get_user_model().objects.get(username="writer")
    draft = Article.objects.get(slug=content.DRAFT_SLUG)
    assert [a.name for a in draft.ordered_authors()] == ["Demo Writer"]
    assert writer.author.name == "Demo Writer"
    assert services.can_edit(writer, draft)
    assert not services.can_publish(writer)


def test_readme_lists_every_setting_read_from_the_environment():
    # The README's configuration table is the operator's only list; a
    # variable added to settings.py without a line there is invisible.
    source = (settings.BASE_DIR / "newsroom" / "settings.py").read_text()
    variables = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= variables
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    missing = sorted(name for name in variables if f"| `{name}` |" not in readme)
    assert missing == []
    listed = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, re.M))
    assert listed - variables == set()
