"""Every door checks the role: one authorization matrix over the admin and
the public site (issue "Every door checks the role").

The admin half walks every URL pattern the admin's resolver holds, for every
role, against articles in every state and what hangs off them (corrections,
topics, preview links, versions, bylines), and every other model in one
state. Each door is knocked on with a GET and with a forged POST carrying a
valid payload: the one an editor's own form for the same object would send
(the superuser's POSTs must take effect, or the payload proves nothing).
A pattern the walker cannot fill, or one the policy below does not name,
fails the test: a new admin page is covered the day it is added.

For every request the matrix checks

- the status the policy gives (for a door the user may not open: the same
  answer as for an id that does not exist);
- that no headline, slug, body, topic name, correction or preview address of
  an article the user may not open appears in the body, the Location header
  or the messages queued for the next page (every such text carries a unique
  token, so a leak cannot hide);
- that no statement wrote to the database (sessions aside), unless the
  policy lets the user change it.

Each request runs in a savepoint that is rolled back, so every door sees the
same world. The public half asks every public URL kind, in every edition
(/topics/ in Spanish, /en/topics/ in English), about every unpublished
state, as a stranger and as writers.

The policy, in words, is the README's "Roles" section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import CharField
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from reversion.models import Version

from alliances.models import Agreement, Country, Organization, Person
from newsroom.discovery.sitemaps import SITEMAPS
from newsroom.editorial import history, restore, services
from newsroom.models import (
    Article,
    Correction,
    EditorialEvent,
    FrontPage,
    FrontPageLead,
    PreviewLink,
    Redirect,
    RelatedVideo,
    Source,
    Topic,
    TopicAlias,
)
from tests import factories
from tests.conftest import parse_admin_form
from tests.responses import body_of, queued_messages

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "other_writer", "editor", "superuser")
STATES = ("draft", "review", "scheduled", "published", "archived", "deleted")

# -- The policy ----------------------------------------------------------------------
#
# Capabilities: L list, V view (open), A add, C change, D delete, R restore
# an older version, U recover a deleted record, P publish, schedule,
# unpublish or archive, M merge topics. A role lacking V on an object cannot
# tell it from an id that does not exist.

# fmt: off
#: What each role may do with an article of the owner's in each state.
#: "deleted" is the id of an article that was deleted: nobody opens it, and
#: editors bring it back from the recover pages (U, a right on the model).
ARTICLE_POLICY = {
    #              owner  other writer  editor   superuser
    "draft":     ("VCR",  "",           "VCDRP", "VCDRP"),
    "review":    ("VCR",  "",           "VCDRP", "VCDRP"),
    # Once an editor has taken a story over, its writer still opens it, read
    # only (issue "The story form in fewer clicks"): the page says why and
    # who can change it.
    "scheduled": ("V",    "",           "VCDRP", "VCDRP"),
    "published": ("V",    "",           "VCDRP", "VCDRP"),
    "archived":  ("V",    "",           "VCDRP", "VCDRP"),
    "deleted":   ("",     "",           "",      ""),
}
#: And with articles at all (the list, adding one, recovering one).
ARTICLE_MODEL =  ("LVACR", "LVACR",     "LVACDRPU", "LVACDRPU")

#: Records that hang off an article follow it: a writer may read them (V)
#: only through an article they may know of (public, or theirs to open).
HANGS_OFF_ARTICLES = {
    #                        writer  editor    superuser
    "newsroom.correction":  ("LV",   "LVACD",  "LVACD"),
    "newsroom.topic":       ("LV",   "LVACDM", "LVACDM"),
}

#: Every other model, in one state.
MODEL_POLICY = {
    #                           writer  editor     superuser
    "newsroom.author":         ("LV",   "LVACD",   "LVACD"),
    "newsroom.editorialevent": ("",     "LV",      "LV"),
    "newsroom.redirect":       ("",     "LVACD",   "LVACD"),
    # One front page, arranged by editors; its list opens it.
    "newsroom.frontpage":      ("",     "LVC",     "LVC"),
    "alliances.country":       ("LV",   "LVACDR",  "LVACDR"),
    "alliances.sector":        ("LV",   "LVACD",   "LVACD"),
    "alliances.agreement":     ("LV",   "LVACDRU", "LVACDRU"),
    "alliances.person":        ("LV",   "LVACDR",  "LVACDR"),
    "alliances.organization":  ("LV",   "LVACDR",  "LVACDR"),
    "auth.user":               ("",     "",        "LVACD"),
    "auth.group":              ("",     "",        "LVACD"),
    # django-axes' lockout records: read only, nobody adds one by hand.
    "axes.accessattempt":      ("",     "",        "LVCD"),
    "axes.accesslog":          ("",     "",        "LVCD"),
    "axes.accessfailurelog":   ("",     "",        "LVCD"),
    # The task queue's results (django-tasks-db): read only, for whoever runs
    # the site, to see a failed task's traceback.
    "django_tasks_database.dbtaskresult": ("", "", "LV"),
}
# fmt: on

#: Of the records that hang off an article, those deleted with it (a topic
#: outlives it).
DELETED_WITH_THEIR_ARTICLE = {"newsroom.correction"}

#: A new record copied from one of these carries references (an article's
#: topics) that only those who may open the original may attach.
REFERENCES_HIDDEN_RECORDS = {"newsroom.article"}

#: The capability each admin page needs, by URL name suffix and method.
NEEDS = {
    "changelist": {"GET": "L", "POST": "L"},
    "add": {"GET": "A", "POST": "A"},
    "change": {"GET": "V", "POST": "C"},
    "object": {"GET": "", "POST": ""},  # Django's old address: a redirect to "change"
    "delete": {"GET": "D", "POST": "D"},
    "history": {"GET": "V", "POST": "V"},
    "history_compare": {"GET": "V", "POST": "V"},
    "history_restore": {"GET": "R", "POST": "R"},
    "recover_list": {"GET": "U", "POST": "U"},
    "recover": {"GET": "U", "POST": "U"},
    "preview": {"GET": "V", "POST": "V"},
    "preview_links": {"GET": "C", "POST": "C"},
    # An article's translation: start one (a POST), or link and unlink one.
    "translate": {"GET": "C", "POST": "C"},
    "translation": {"GET": "C", "POST": "C"},
    "password_change": {"GET": "C", "POST": "C"},  # a user's password, by a superuser
    # The story form's suggestions (POST a text, get the records it names):
    # for who may write a story.
    "suggest": {"GET": "A", "POST": "A"},
    # The story form's autosave of a new story (a saved one's is tried in
    # test_autosave, by whom it belongs to), and turning its copy down.
    "autosave": {"GET": "A", "POST": "A"},
    "autosave_discard": {"GET": "A", "POST": "A"},
}

#: Pages of one model that need more than NEEDS says.
NEEDS_OF_MODEL = {
    # A topic's log names the other names editors gave it.
    ("newsroom.topic", "history"): {"GET": "C", "POST": "C"},
}

#: The status of an allowed request, where it is not 200.
ALLOWED_STATUS = {
    ("changelist", "POST"): 302,
    ("add", "POST"): 302,
    ("change", "POST"): 302,
    ("object", "GET"): 302,
    ("object", "POST"): 302,
    ("delete", "POST"): 302,
    ("history_restore", "GET"): 405,
    ("history_restore", "POST"): 302,
    ("recover", "GET"): 405,
    ("recover", "POST"): 302,
    ("preview_links", "POST"): 302,
    ("translate", "GET"): 405,
    ("translate", "POST"): 302,
    ("translation", "POST"): 302,
    ("password_change", "POST"): 302,
    ("suggest", "GET"): 405,
    ("autosave", "GET"): 405,
    ("autosave_discard", "GET"): 405,
    ("autosave_discard", "POST"): 302,
}

#: Allowed POSTs that must change the database when an editor or the
#: superuser sends them: proof that the forged payload is a valid one.
EFFECTIVE = {"add", "change", "delete", "history_restore", "recover", "preview_links", "translate"}

#: Changelist actions and the capability each needs.
ACTION_NEEDS = {
    "delete_selected": "D",
    "submit_selected_for_review": "C",
    "publish_selected": "P",
    "unpublish_selected": "P",
    "archive_selected": "P",
    "merge_selected": "M",
}

#: Models whose "View on site" leads to a public page (for an article: only
#: while it is public).
HAS_PUBLIC_PAGE = {"newsroom.article", "newsroom.author", "newsroom.topic", "alliances.country", "alliances.agreement"}

#: The admin's own pages (not a model's).
SITE_PAGES = {
    # name: {method: status for staff} (anonymous: the login page)
    "index": {"GET": 200, "POST": 200},
    "password_change": {"GET": 200, "POST": 200},
    "password_change_done": {"GET": 200, "POST": 405},
    "jsi18n": {"GET": 200, "POST": 405},
    # The admin's language for this person (a POST without one is a 400).
    "language": {"GET": 405, "POST": 400},
    "catch_all": {"GET": 404, "POST": 404},
}

# -- The world ------------------------------------------------------------------------

MISSING = 987654321


def token(state: str, part: str) -> str:
    """The token in the ``part`` (headline, body...) of the article in
    ``state`` and of what hangs off it: unique, so a leak names its source."""
    return f"zq{state}-{part}-x7"


_TOKEN = re.compile(r"zq([a-z]+)-([a-z]+)-x7")
#: Tokens of reference records that staff read in the admin whatever the
#: state of the story naming them (README, "Roles"); the public site must
#: not name them before a public story does.
REFERENCE_PARTS = {"person", "organization"}


@dataclass
class Subject:
    """An object a door is tried on: the model's label, its id (perhaps of
    a deleted row), and the article state it belongs to (None for a record
    that belongs to no article)."""

    label: str
    pk: int
    state: str | None = None


@dataclass
class World:
    users: dict
    subjects: dict[str, list[Subject]]
    links: dict[str, PreviewLink]
    versions: dict[tuple[str, int], list[int]]
    deleted_versions: dict[str, int]
    public_slugs: dict[str, dict[str, str]]
    # Each article's own address (in its language's edition), by state.
    article_urls: dict[str, str]


def build_world() -> World:
    superuser = User.objects.create_superuser("root", "root@example.org", "correct horse battery staple")
    editor = factories.editor(username="chief")
    owner = factories.writer(username="owner", first_name="Olga")
    other = factories.writer(username="other")
    users = {"owner": owner, "other_writer": other, "editor": editor, "superuser": superuser}
    own_byline = factories.AuthorFactory(name="Olga Owner", user=owner)

    countries = dict(zip(STATES, ["FR", "DE", "IT", "ES", "PT", "NL"], strict=True))
    articles, links, versions, subjects = {}, {}, {}, {}
    public_slugs: dict[str, dict[str, str]] = {}
    article_urls: dict[str, str] = {}
    for state in STATES:
        byline = factories.AuthorFactory(name=f"Byline of the {state} story")
        agreement = factories.AgreementFactory(title=f"Agreement of the {state} story")
        article = factories.ArticleFactory(
            headline=f"Headline {token(state, 'headline')}",
            slug=f"slug-{token(state, 'slug')}",
            dek=f"Dek {token(state, 'dek')}",
            body=f"<p>Body {token(state, 'body')}</p>",
            image_caption=f"Caption {token(state, 'caption')}",
            # The article in review is the owner's by byline only: an editor
            # started it.
            created_by=editor if state == "review" else owner,
            authors=[byline, own_byline] if state == "review" else [byline],
            topics=[f"Topic {token(state, 'topic')}", "Shared topic"],
            country_codes=[countries[state], "CU"],
        )
        Source.objects.create(article=article, outlet=f"Outlet {token(state, 'outlet')}")
        RelatedVideo.objects.create(
            article=article, title=f"Video {token(state, 'video')}", url=f"https://video.example.org/{state}"
        )
        factories.ArticleAgreementFactory(article=article, agreement=agreement, note=f"Note {token(state, 'note')}")
        # Reference records, as the agreement is: every writer reads them in
        # the admin (README, "Roles"), but no public page names them before
        # a public story does (REFERENCE_PARTS).
        person = factories.PersonFactory(name=f"Person {token(state, 'person')}")
        organization = factories.OrganizationFactory(name=f"Organisation {token(state, 'organization')}")
        article.people.add(person)
        article.organizations.add(organization)
        correction = Correction.objects.create(
            article=article, text=f"Correction {token(state, 'correction')}", created_by=editor
        )
        history.record_version(article, user=owner, comment="First version.")
        Article.objects.filter(pk=article.pk).update(dek=f"Second dek {token(state, 'second')}")
        history.record_version(article, user=owner, comment="Second version.")
        article.refresh_from_db()
        links[state] = services.create_preview_link(article=article, user=editor)
        topic = Topic.objects.get(name=f"Topic {token(state, 'topic')}")
        Topic.objects.filter(pk=topic.pk).update(description=f"Description {token(state, 'description')}")
        TopicAlias.objects.create(topic=topic, name=f"Alias {token(state, 'alias')}")
        if state == "review":
            services.submit_for_review(article=article, user=owner)
        elif state == "scheduled":
            services.schedule(article=article, user=editor, at=timezone.now() + timedelta(days=2))
        elif state in ("published", "archived"):
            services.publish(article=article, user=editor, at=timezone.now() - timedelta(hours=2))
            if state == "archived":
                services.archive(article=article, user=editor)
        versions[("newsroom.article", article.pk)] = list(history.versions_of(article).values_list("pk", flat=True))
        public_slugs[state] = {
            "article": article.slug,
            "topic": topic.slug,
            "author": byline.slug,
            "country": Country.objects.get(iso2=countries[state]).slug,
            "agreement": agreement.slug,
            "person": person.slug,
            "organization": organization.slug,
        }
        article_urls[state] = article.get_absolute_url()
        articles[state] = article.pk
        subjects.setdefault("newsroom.article", []).append(Subject("newsroom.article", article.pk, state))
        subjects.setdefault("newsroom.correction", []).append(Subject("newsroom.correction", correction.pk, state))
        if state == "deleted":
            restore.delete_with_history(instance=article, user=editor)
        subjects.setdefault("newsroom.topic", []).append(Subject("newsroom.topic", topic.pk, state))
    deleted_versions = {"newsroom.article": Version.objects.get_deleted(Article).first().pk}

    # Records that belong to no article, one of each.
    def one(obj) -> None:
        label = obj._meta.label_lower
        subjects[label] = [Subject(label, obj.pk)]
        if reversion.is_registered(type(obj)):
            history.record_version(obj, user=editor, comment="First version.")
            versions[(label, obj.pk)] = list(history.versions_of(obj).values_list("pk", flat=True))

    one(factories.AuthorFactory(name="Columnist"))
    one(EditorialEvent.objects.filter(article_id=articles["published"]).first())
    one(Redirect.objects.create(old_path="/articles/old-address/", new_path="/articles/new-address/"))
    one(Country.objects.get(iso2="NZ"))  # no article or agreement holds it: it may be deleted
    one(factories.SectorFactory(name="energy"))
    one(factories.AgreementFactory(title="Standing agreement"))
    one(factories.PersonFactory(name="Official"))
    one(factories.OrganizationFactory(name="Agency"))
    front = FrontPage.get()
    FrontPageLead.objects.create(front=front, article_id=articles["published"])
    one(front)
    one(other)
    one(Group.objects.get(name="Writer"))
    one(AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1))
    one(AccessLog.objects.create(username="x", ip_address="10.0.0.1"))
    one(AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", locked_out=False))
    one(
        DBTaskResult.objects.create(
            task_path="newsroom.stored.followups.rank_related",
            args_kwargs={"args": [[articles["published"]]], "kwargs": {}},
            backend_name="default",
        )
    )
    gone = factories.AgreementFactory(title="Withdrawn agreement")
    history.record_version(gone, user=editor)
    restore.delete_with_history(instance=gone, user=editor)
    deleted_versions["alliances.agreement"] = Version.objects.get_deleted(Agreement).first().pk
    return World(users, subjects, links, versions, deleted_versions, public_slugs, article_urls)


# -- Who may do what ------------------------------------------------------------------

COLUMN = {"owner": 0, "other_writer": 1, "editor": 2, "superuser": 3}


def capabilities(role: str, label: str, subject: Subject | None = None) -> str:
    """What ``role`` may do with ``subject``, or with ``label``'s model when
    the page is about no one object."""
    column = COLUMN[role]
    if label == "newsroom.article":
        if subject is None:
            return ARTICLE_MODEL[column]
        return ARTICLE_POLICY[subject.state][column] + "".join(c for c in ARTICLE_MODEL[column] if c in "LAU")
    if label in HANGS_OFF_ARTICLES:
        caps = HANGS_OFF_ARTICLES[label][max(column - 1, 0)]
        gone = subject is not None and subject.state == "deleted" and label in DELETED_WITH_THEIR_ARTICLE
        if subject is not None and subject.state is not None and (gone or not article_known(role, subject.state)):
            caps = "".join(c for c in caps if c not in "VCDM")
        return caps
    writer, editor, superuser = MODEL_POLICY[label]
    return (writer, writer, editor, superuser)[column]


def article_known(role: str, state: str) -> bool:
    """Whether ``role`` may know of the article in ``state``: it is public,
    or the role may open it (``ArticleQuerySet.known_to``)."""
    if role == "anonymous":
        return False
    if state == "published" or "U" in ARTICLE_MODEL[COLUMN[role]]:
        # Editors know every article, deleted ones too: they recover them.
        return True
    return "V" in ARTICLE_POLICY[state][COLUMN[role]]


def hidden_states(role: str) -> set[str]:
    """The states of the articles whose words ``role`` must never read (a
    stranger: every article that is not public)."""
    if role == "anonymous":
        return set(STATES) - {"published"}
    return {state for state in STATES if not article_known(role, state)}


# -- Reading responses ------------------------------------------------------------------

_PREVIEW = re.compile(r"/preview/([A-Za-z0-9_\-:]+)/")


def leaks(world: World, role: str, text: str, *, echo=None, allowed_states=(), admin: bool = False) -> list[str]:
    """The secrets of articles ``role`` may not open that ``text`` tells
    (``allowed_states``: the articles this answer may show, a preview).
    ``echo``: what the user posted, when the answer is their own form shown
    again; those tokens are theirs. A refusal gets no such allowance. In
    the ``admin``, the reference records' names are no secret to staff."""
    secret = hidden_states(role) - set(allowed_states)
    echoed = repr(echo or {}).lower()
    found = sorted(
        {
            f"the {match[2]} of the {match[1]} article"
            for match in _TOKEN.finditer(text.lower())
            if match[1] in secret and match[0] not in echoed and not (admin and match[2] in REFERENCE_PARTS)
        }
    )
    secret_links = {world.links[state].pk: state for state in secret}
    for signed in _PREVIEW.findall(text):
        if PreviewLink.id_from_token(signed) in secret_links:
            found.append(f"the preview address of the {secret_links[PreviewLink.id_from_token(signed)]} article")
    return found


def same_as_missing(outcome: Outcome, reference: Outcome, pk: int) -> bool:
    """Whether two answers are the same but for the id they were asked
    about (the "does not exist" page and message name it)."""

    def normal(text: str, asked: int) -> str:
        # As an address's part ("/12/") or quoted in a message ("“12”").
        return re.sub(rf"(?<=[/“]){asked}(?=[/”])", "<id>", text)

    def seen(answer: Outcome, asked: int) -> tuple:
        return (
            answer.status,
            normal(answer.location, asked),
            normal(answer.body, asked),
            [normal(message, asked) for message in answer.messages],
        )

    return seen(outcome, pk) == seen(reference, MISSING)


_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def writes(queries: list[dict]) -> list[str]:
    """The statements among ``queries`` that change a table, but for the
    session table (logging in and out, and the messages, live there)."""
    return [q["sql"] for q in queries if _WRITE.match(q["sql"]) and "django_session" not in q["sql"]]


@dataclass
class Outcome:
    status: int
    location: str
    body: str
    messages: list[str]
    changed: bool

    @property
    def text(self) -> str:
        return " ".join([self.body, self.location, *self.messages])


def send(world: World, client: Client, method: str, url: str, data=None) -> Outcome:
    """One request, in a savepoint that is rolled back. The client's session
    cookie is put back too: a request that cycles the session key (a
    password change does) would otherwise leave the client holding a session
    that the rollback removed."""
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    session = session.value if session else None
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = (client.get if method == "GET" else client.post)(url, data or {})
        transaction.set_rollback(True)
    client.cookies.pop("messages", None)
    if session is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return Outcome(
        response.status_code,
        response.get("Location", ""),
        body_of(response),
        queued_messages(response),
        bool(writes(queries.captured_queries)),
    )


# -- The admin's doors ------------------------------------------------------------------


@dataclass
class Door:
    name: str  # the URL name ("" for Django's unnamed old change address)
    kind: str  # the name without its model's prefix: "change", "history"...
    label: str | None  # the model, for a ModelAdmin's pages
    kwargs: tuple[str, ...]


def admin_doors() -> list[Door]:
    """Every URL pattern served under /admin/, as the root resolver holds
    them (the admin site's own, and what newsroom.urls mounts beside them)."""
    doors = []
    mounted = next(
        entry for entry in get_resolver().url_patterns if isinstance(entry, URLResolver) and entry.namespace == "admin"
    )
    for entry in mounted.url_patterns:
        if isinstance(entry, URLResolver):
            label = next(
                (
                    model._meta.label_lower
                    for model in apps.get_models()
                    if admin.site.is_registered(model)
                    and str(entry.pattern) == f"{model._meta.app_label}/{model._meta.model_name}/"
                ),
                None,
            )
            prefix = (label or "").replace(".", "_") + "_"
            for pattern in entry.url_patterns:
                kind = pattern.name.removeprefix(prefix) if pattern.name else "object"
                doors.append(Door(pattern.name or "", kind, label, kwargs_of(pattern)))
        else:
            # A page mounted beside a model's own (the article's staff preview)
            # is named after that model, and held to the same policy.
            label = next(
                (
                    model._meta.label_lower
                    for model in apps.get_models()
                    if admin.site.is_registered(model)
                    and (entry.name or "").startswith(f"{model._meta.app_label}_{model._meta.model_name}_")
                ),
                None,
            )
            prefix = (label or "").replace(".", "_") + "_"
            kind = (entry.name or "catch_all").removeprefix(prefix) if label else entry.name or "catch_all"
            doors.append(Door(entry.name or "", kind, label, kwargs_of(entry)))
    return doors


def kwargs_of(pattern: URLPattern) -> tuple[str, ...]:
    return tuple(sorted(pattern.pattern.regex.groupindex))


@dataclass
class Knock:
    """One request to try as every role."""

    method: str
    url: str
    data: dict
    subject: Subject | None = None
    missing: tuple[str, dict] | None = None  # the same request for an id that does not exist
    action: str = ""
    offered: tuple[str, ...] = ()  # a list's actions, as the superuser is offered them
    note: str = ""


def admin_url(door: Door, **values) -> str:
    from django.urls import reverse

    if door.kind == "catch_all":
        return "/admin/no-such-page/"
    if door.kind == "object":
        return reverse(f"admin:{door.label.replace('.', '_')}_change", kwargs=values).removesuffix("change/")
    return reverse(f"admin:{door.name}", kwargs=values)


class Filler:
    """Turns each admin door into the requests that try it, with the
    payloads an editor's (the superuser's) own forms would post."""

    def __init__(self, world: World):
        self.world = world
        self.boss = Client()
        self.boss.force_login(world.users["superuser"])
        self.autocompletes: set[tuple[str, str, str]] = set()

    def form(self, url: str, *, having: str | None = None) -> dict:
        """What the superuser's page at ``url`` posts back: its first form
        that posts to the same page (or holds a field named ``having``)."""
        response = self.boss.get(url)
        if response.status_code != 200:
            return {}
        html = response.content.decode()
        self.autocompletes |= set(
            re.findall(r'data-app-label="(\w+)" data-model-name="(\w+)" data-field-name="([\w-]+)"', html)
        )

        def which(attrs) -> bool:
            return attrs.get("method", "").lower() == "post" and attrs.get("action", "") in ("", url)

        if having:
            forms = re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S)
            chosen = next((form for form in forms if f'name="{having}"' in form), "")
            return parse_admin_form(chosen, which=lambda attrs: True) if chosen else {}
        return parse_admin_form(html, which=which)

    def knocks(self, door: Door) -> list[Knock]:
        known = {"object_id", "version_id", "pk", "content_type_id", "id", "app_label", "url"}
        unknown = set(door.kwargs) - known
        assert not unknown, f"the matrix cannot fill {unknown} of admin door {door.name or door.kind}"
        if door.label is not None:
            return self.model_knocks(door)
        return self.site_knocks(door)

    # -- a model's pages

    def subjects(self, label: str) -> list[Subject]:
        subjects = self.world.subjects.get(label)
        assert subjects, f"the matrix has no {label} to try its admin pages on"
        return subjects

    def model_knocks(self, door: Door) -> list[Knock]:
        kind, label = door.kind, door.label
        if kind == "changelist":
            return [Knock("GET", admin_url(door), {}), *self.action_knocks(door), *self.hand_made_filter_knocks(door)]
        if kind == "add":
            url = admin_url(door)
            self.form(url)  # the add form's pickers, for the autocomplete doors
            subject, payload = self.add_payload(label)
            return [Knock("GET", url, {}), Knock("POST", url, payload, subject)]
        if kind == "suggest":
            # A story's words, as the panel sends them; what comes back names
            # only records every reader may see.
            text = {"headline": "Cuba", "body": "<p>Irán y Rusia</p>", "language": "es"}
            return [Knock("GET", admin_url(door), {}), Knock("POST", admin_url(door), text)]
        if kind in ("autosave", "autosave_discard"):
            words = {"keep": "1", "article": "", "headline": token("new", "autosave")}
            return [Knock("GET", admin_url(door), {}), Knock("POST", admin_url(door), words)]
        if kind in ("recover_list", "recover"):
            values = {"version_id": self.world.deleted_versions[label]} if "version_id" in door.kwargs else {}
            missing = {"version_id": MISSING} if values else {}
            return [
                Knock(method, admin_url(door, **values), {}, missing=(admin_url(door, **missing), {}))
                for method in ("GET", "POST")
            ]
        # An object's page; Django's user admin names the id "id".
        key = next((name for name in ("object_id", "id") if name in door.kwargs), None)
        assert key, f"admin door {door.name} is neither a list nor an object page"
        knocks = []
        for subject in self.subjects(label):
            values = {key: subject.pk}
            missing = {key: MISSING}
            if "version_id" in door.kwargs:
                versions = self.world.versions.get((label, subject.pk)) or [MISSING]
                values["version_id"] = versions[-1]  # the oldest
                missing["version_id"] = MISSING
            url = admin_url(door, **values)
            data = self.object_payload(door, url)
            if kind == "history_compare":
                versions = self.world.versions.get((label, subject.pk), [])
                data = {"a": versions[-1], "b": versions[0]} if len(versions) > 1 else {}
            for method in ("GET", "POST"):
                sent = data if method == "POST" or kind == "history_compare" else {}
                knocks.append(Knock(method, url, sent, subject, missing=(admin_url(door, **missing), sent)))
        return knocks

    def object_payload(self, door: Door, url: str) -> dict:
        if door.kind == "preview_links":
            return self.form(url, having="days")
        if door.kind == "password_change":
            secret = "a-new-passphrase-for-2027"
            return {"password1": secret, "password2": secret, "usable_password": "true"}
        if door.kind in ("history_restore", "object"):
            return {}
        return self.form(url)

    def add_payload(self, label: str) -> tuple[Subject | None, dict]:
        """A new record like the first one of ``label`` the superuser can
        open: its change form, posted to "add" as a copy (unique values
        changed, inline rows no longer pointing at the original)."""
        if label == "auth.user":
            secret = "a-new-passphrase-for-2027"
            return None, {"username": "newcomer", "password1": secret, "password2": secret, "usable_password": "true"}
        model = apps.get_model(label)
        for subject in self.subjects(label):
            url = admin_url(Door(f"{label.replace('.', '_')}_change", "change", label, ()), object_id=subject.pk)
            data = self.form(url)
            if data:
                break
        else:
            return None, {}
        # An inline row's hidden pointer to the record it belongs to.
        parents = {
            related.name
            for inline in admin.site.get_model_admin(model).inlines
            for related in inline.model._meta.fields
            if related.is_relation and related.related_model is model and inline.fk_name in (None, related.name)
        }
        copy = {}
        for key, value in data.items():
            row = re.fullmatch(r".+-\d+-(\w+)", key)
            if key == "loaded_version" or (row and row[1] in {"id", *parents}):
                continue
            copy[key] = "0" if key.endswith("-INITIAL_FORMS") else value
            if row and row[1] == "name" and value:
                copy[key] = fresh(value, 100)  # an inline row's name (a topic's other names) is unique too
        for model_field in model._meta.fields:
            text = isinstance(model_field, CharField) and model_field.editable
            if text and (model_field.unique or model_field.name == "name") and not model_field.primary_key:
                copy[model_field.name] = fresh(copy.get(model_field.name, ""), model_field.max_length)
        return subject, copy

    def hand_made_filter_knocks(self, door: Door) -> list[Knock]:
        """The list filtered, by a hand-made query string, on each column and
        relation of its model that it does not offer as a filter
        (?articles=<a hidden article's id> named what the story is about;
        ?related__icontains= spelled out a hidden list)."""
        model_admin = admin.site.get_model_admin(apps.get_model(door.label))
        offered = {(model_admin.date_hierarchy or "").split("__")[0]} | {
            (entry[0] if isinstance(entry, (list, tuple)) else entry).split("__")[0]
            for entry in model_admin.list_filter
            if isinstance(entry, (list, tuple, str))
        }
        hidden = self.world.subjects["newsroom.article"][0].pk
        fields = apps.get_model(door.label)._meta.get_fields()
        filters = [
            Knock("GET", admin_url(door), {f"{field.name}{suffix}": hidden}, note=f"?{field.name}{suffix}=")
            for field in fields
            if field.name not in offered
            for suffix in ("", "__isnull") + (("__icontains",) if not field.is_relation else ())
        ]
        # A popup may refer to records by their id only (no foreign key here
        # points at another column).
        popups = [
            Knock("GET", admin_url(door), {"_popup": "1", "_to_field": field.name}, note=f"?_to_field={field.name}")
            for field in fields
            if not getattr(field, "primary_key", False)
        ]
        return filters + popups

    def action_knocks(self, door: Door) -> list[Knock]:
        """Every action the superuser is offered on this list, on each record."""
        url = admin_url(door)
        response = self.boss.get(url)
        actions = re.findall(r'<option value="(\w+)">', response.content.decode().split('name="action"', 1)[-1])
        actions = [action for action in actions if action in ACTION_NEEDS or action.endswith("_selected")]
        knocks = []
        for subject in self.subjects(door.label):
            for action in actions:
                data = {"action": action, "_selected_action": [subject.pk], "index": "0", "post": "yes"}
                missing = {**data, "_selected_action": [MISSING]}
                if action == "merge_selected":
                    keep = Topic.objects.get(name="Shared topic").pk
                    data.update({"_selected_action": [subject.pk, keep], "apply": "1", "target": keep})
                    missing.update({"_selected_action": [MISSING, keep], "apply": "1", "target": keep})
                knocks.append(
                    Knock("POST", url, data, subject, missing=(url, missing), action=action, offered=tuple(actions))
                )
        return knocks

    # -- the site's own pages

    def site_knocks(self, door: Door) -> list[Knock]:
        name = door.kind
        if name == "app_list":
            labels = {model._meta.app_label for model in apps.get_models() if admin.site.is_registered(model)}
            return [
                Knock(m, admin_url(door, app_label=label), {}, note=label) for label in labels for m in ("GET", "POST")
            ]
        if name == "desk_publish":
            knocks = []
            for subject in self.subjects("newsroom.article"):
                url, missing = admin_url(door, pk=subject.pk), admin_url(door, pk=MISSING)
                knocks += [Knock(m, url, {}, subject, missing=(missing, {})) for m in ("GET", "POST")]
            return knocks
        if name == "view_on_site":
            knocks = []
            every = [subject for subjects in self.world.subjects.values() for subject in subjects]
            every += [Subject("newsroom.previewlink", link.pk, state) for state, link in self.world.links.items()]
            for subject in every:
                model = apps.get_model(subject.label)
                content_type = ContentType.objects.get_for_model(model).pk
                url = admin_url(door, content_type_id=content_type, object_id=subject.pk)
                missing = admin_url(door, content_type_id=content_type, object_id=MISSING)
                knocks += [Knock(m, url, {}, subject, missing=(missing, {})) for m in ("GET", "POST")]
            return knocks
        if name == "autocomplete":
            return []  # tried once the forms were read (autocomplete_knocks)
        if name in ("login", "logout"):
            return [Knock(m, admin_url(door), {}) for m in ("GET", "POST")]
        assert name in SITE_PAGES, f"no policy for the admin page {name!r}: add it to SITE_PAGES"
        url = admin_url(door)
        return [Knock("GET", url, {}), Knock("POST", url, self.form(url) if name == "password_change" else {})]

    def autocomplete_knocks(self) -> list[Knock]:
        from django.urls import reverse

        url = reverse("admin:autocomplete")
        assert self.autocompletes, "no autocomplete field was found on the admin's forms"
        knocks = []
        for app_label, model_name, field_name in sorted(self.autocompletes):
            for term in ("", "zq", "topic"):
                params = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term}
                knocks.append(Knock("GET", url, params, note=f"{app_label}.{model_name}.{field_name}"))
        knocks.append(Knock("POST", url, params, note="post"))
        return knocks


def fresh(value: str, max_length: int | None) -> str:
    """``value`` made unique again: "Cuba" -> "Cuba-copy", "CU" -> "QZ"."""
    if max_length and max_length <= 3:
        return "QZZ"[:max_length]
    return (value + "-copy")[-(max_length or 200) :]


# -- What each role should get ---------------------------------------------------------


@dataclass
class Expect:
    status: int | None  # None: the answer for an id that does not exist
    may_change: bool = False
    must_change: bool = False
    to: str = ""  # where a redirect must lead (the start of the address)


LOGIN = Expect(302, to="/admin/login/")


def expect(role: str, door: Door, knock: Knock) -> Expect:
    """The policy tables above, applied to one request."""
    method, subject = knock.method, knock.subject
    if role == "anonymous":
        if door.kind == "logout":
            return Expect(302, to="/admin/")  # Django's admin sends a stranger to its start page
        return Expect(200) if door.kind == "login" else LOGIN
    if door.label is None:
        return expect_site_page(role, door, knock)
    label, kind = door.label, door.kind
    model_caps = capabilities(role, label)
    if kind == "changelist":
        if "L" not in model_caps:
            return Expect(403)
        if method == "GET":
            # Filtering on what the list does not offer, or a popup referring
            # to records by anything but their id: refused.
            return Expect(400 if knock.note.startswith("?") else 200)
        caps = capabilities(role, label, subject)
        # A list with no action for this role treats the POST as a GET.
        acts = any(ACTION_NEEDS.get(action, "?") in model_caps for action in knock.offered)
        return Expect(302 if acts else 200, may_change="V" in caps and ACTION_NEEDS.get(knock.action, "?") in caps)
    assert kind in NEEDS, f"no policy for the admin page {door.name!r}: add its kind to NEEDS"
    need = NEEDS_OF_MODEL.get((label, kind), NEEDS[kind])[method]
    copied_from_hidden = label in REFERENCES_HIDDEN_RECORDS and "V" not in capabilities(role, label, subject)
    if kind == "add" and method == "POST" and copied_from_hidden and all(c in model_caps for c in need):
        # The copy of a record the role may not open names records (its
        # topics) the role may not attach: a form error, nothing saved.
        return Expect(200)
    if subject is None or kind == "add":
        allowed = all(c in model_caps for c in need)
    else:
        caps = capabilities(role, label, subject)
        if "V" not in caps:
            return Expect(None)
        allowed = all(c in caps for c in need)
    if not allowed:
        return Expect(403)
    may_change = method == "POST" and kind not in ("history", "history_compare", "preview", "object")
    must_change = (
        may_change
        and kind in EFFECTIVE
        and label.split(".")[0] in ("newsroom", "alliances")
        and not (kind == "preview_links" and subject is not None and subject.state == "published")
    )
    return Expect(ALLOWED_STATUS.get((kind, method), 200), may_change, must_change)


def expect_site_page(role: str, door: Door, knock: Knock) -> Expect:
    name, method, subject = door.kind, knock.method, knock.subject
    if name == "login":
        return Expect(302 if method == "GET" else 200)
    if name == "logout":
        return Expect(405 if method == "GET" else 200)
    if name == "app_list":
        listed = any(
            "L" in capabilities(role, model._meta.label_lower)
            for model in apps.get_models()
            if admin.site.is_registered(model) and model._meta.app_label == knock.note
        )
        return Expect(200 if listed else 404)
    if name == "desk_publish":
        if method == "GET":
            return Expect(405)
        if "P" not in capabilities(role, "newsroom.article"):
            return Expect(403)
        if "V" not in capabilities(role, "newsroom.article", subject):
            return Expect(None)
        return Expect(302, may_change=True)
    if name == "view_on_site":
        if not admin.site.is_registered(apps.get_model(subject.label)):
            return Expect(404)  # a preview link: its address is a secret
        caps = capabilities(role, subject.label, subject)
        page = subject.label in HAS_PUBLIC_PAGE and (
            subject.label != "newsroom.article" or subject.state == "published"
        )
        return Expect(302 if "V" in caps and page else 404)
    if name == "autocomplete":
        if method == "POST":
            return Expect(405)
        app_label, model_name, field_name = knock.note.split(".")
        remote = apps.get_model(app_label, model_name)._meta.get_field(field_name).remote_field.model
        return Expect(200 if "V" in capabilities(role, remote._meta.label_lower) else 403)
    return Expect(SITE_PAGES[name][method])


# -- The admin half ---------------------------------------------------------------------


def client_for(world: World, role: str) -> Client:
    # A 500 is an answer the policy never gives: reported, not raised.
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def describe(role: str, door: Door, knock: Knock) -> str:
    about = f" on the {knock.subject.state or knock.subject.label} {knock.subject.label}" if knock.subject else ""
    extra = f" [{knock.action or knock.note}]" if knock.action or knock.note else ""
    return f"{role} {knock.method} {knock.url}{about}{extra}"


def try_door(world: World, role: str, door: Door, knock: Knock, references: dict) -> list[str]:
    """The failures of one request against the policy (an empty list when it holds)."""
    # Logging out ends the session: a client of its own.
    client = client_for(world, role) if door.kind == "logout" else world.clients[role]
    expected = expect(role, door, knock)
    outcome = send(world, client, knock.method, knock.url, knock.data)
    problems = []
    if expected.status is None:
        key = (knock.method, knock.missing[0], repr(sorted(knock.missing[1].items())))
        if key not in references:
            references[key] = send(world, client, knock.method, *knock.missing)
        reference = references[key]
        if not same_as_missing(outcome, reference, knock.subject.pk):
            problems.append(
                f"answered {outcome.status} {outcome.location} {outcome.messages} where an id that does not "
                f"exist gets {reference.status} {reference.location} {reference.messages}"
            )
        if outcome.status == 200:
            problems.append("answered 200 for an object the role may not open")
    elif outcome.status != expected.status:
        problems.append(f"answered {outcome.status}, the policy says {expected.status}")
    elif expected.to and not outcome.location.startswith(expected.to):
        problems.append(f"sent to {outcome.location}, not to {expected.to}")
    if outcome.changed and not expected.may_change:
        problems.append("changed the database")
    if expected.must_change and not outcome.changed:
        problems.append("changed nothing: the forged payload is not a valid one")
    # A form shown again (an allowed POST answered 200) repeats what was posted.
    echo = knock.data if expected.status and expected.status < 400 and outcome.status == 200 else None
    leaked = leaks(world, role, outcome.text, echo=echo, admin=True)
    if leaked:
        problems.append(f"told {', '.join(leaked)}")
    return [f"{describe(role, door, knock)}: {problem}" for problem in problems]


@pytest.fixture
def world(db):
    built = build_world()
    built.clients = {role: client_for(built, role) for role in ROLES}
    return built


def test_every_admin_url_pattern_is_in_the_matrix():
    """A new admin page must be named in the policy before it can land."""
    problems = []
    for door in admin_doors():
        if door.label is None:
            if door.kind not in SITE_PAGES and door.kind not in {
                "login",
                "logout",
                "app_list",
                "desk_publish",
                "view_on_site",
                "autocomplete",
            }:
                problems.append(f"the admin page {door.kind!r} has no policy")
        elif door.kind not in NEEDS and door.kind != "changelist":
            problems.append(f"{door.label}'s page {door.kind!r} has no policy")
        elif (
            door.label not in MODEL_POLICY and door.label not in HANGS_OFF_ARTICLES and door.label != "newsroom.article"
        ):
            problems.append(f"{door.label} has no row in the policy")
    assert problems == []


@pytest.fixture
def quiet_request_log():
    """The matrix's thousand refusals would each log a warning."""
    import logging

    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_door_answers_each_role_as_the_policy_says(world, role, quiet_request_log):
    filler = Filler(world)
    references: dict = {}
    failures = []
    tried = 0
    for door in admin_doors():
        for knock in filler.knocks(door):
            failures += try_door(world, role, door, knock, references)
            tried += 1
    autocomplete = next(door for door in admin_doors() if door.kind == "autocomplete")
    for knock in filler.autocomplete_knocks():
        failures += try_door(world, role, autocomplete, knock, references)
        tried += 1
    assert tried > 300
    assert failures == [], f"{len(failures)} of {tried} requests broke the policy:\n" + "\n".join(failures[:60])


# -- The public half ----------------------------------------------------------------------

#: The record each public page with a slug is about, by URL name.
PUBLIC_SLUGS = {
    "newsroom:article-detail": "article",
    "newsroom:topic-detail": "topic",
    "newsroom:topic-feed": "topic",
    "newsroom:author-detail": "author",
    "newsroom:author-feed": "author",
    "alliances:country-detail": "country",
    "newsroom:country-feed": "country",
    "alliances:agreement-detail": "agreement",
    "newsroom:agreement-feed": "agreement",
    "alliances:person-detail": "person",
    "newsroom:person-feed": "person",
    "alliances:organization-detail": "organization",
    "newsroom:organization-feed": "organization",
}
#: Each page's feed answers 404 exactly when the page does.
FEED_OF = {
    "newsroom:topic-feed": "newsroom:topic-detail",
    "newsroom:author-feed": "newsroom:author-detail",
    "newsroom:country-feed": "alliances:country-detail",
    "newsroom:agreement-feed": "alliances:agreement-detail",
    "newsroom:person-feed": "alliances:person-detail",
    "newsroom:organization-feed": "alliances:organization-detail",
}
#: The record each public address with an id is about (the API's), by URL
#: name: articles by the world's subjects (the deleted one included), the
#: rest by the record each state's article carries (as PUBLIC_SLUGS).
PUBLIC_IDS = {
    "api:article-detail": "newsroom.article",
    "api:article-ninjs": "newsroom.article",
    "api:topic-detail": "topic",
    "api:country-detail": "country",
    "api:agreement-detail": "agreement",
    "api:person-detail": "person",
    "api:organisation-detail": "organization",
}
RECORD_MODELS = {
    "topic": Topic,
    "country": Country,
    "agreement": Agreement,
    "person": Person,
    "organization": Organization,
}
#: A page about a record that only the article in one state carries: found
#: only once that article is public. (An author's, a country's and an
#: agreement's pages exist anyway; they just do not list it. A person or an
#: organisation named only by that article has no page until it is public.)
ONLY_WHEN_PUBLIC = {
    "api:article-detail",
    "api:article-ninjs",
    "api:topic-detail",
    "api:person-detail",
    "api:organisation-detail",
    "newsroom:article-detail",
    "newsroom:topic-detail",
    "newsroom:topic-feed",
    "alliances:person-detail",
    "newsroom:person-feed",
    "alliances:organization-detail",
    "newsroom:organization-feed",
}
#: A preview link, by the state of its article.
PREVIEW_STATUS = {"draft": 200, "review": 200, "scheduled": 200, "published": 302, "archived": 410, "deleted": 404}
SEARCHES = ("Headline", "Shared topic", "Body", "Correction", "Outlet")
#: How a topic or country list counts one story, in each edition.
ONE_STORY = {"es": "1 noticia", "en": "1 story"}


def public_patterns(patterns=None, namespace="", in_editions=False):
    """(name, pattern, whether it is in every edition) for every URL pattern
    outside the admin. The reader pages sit in the site's editions (a
    LocalePrefixPattern: /topics/, /en/topics/); the rest (previews,
    sitemaps, robots.txt, /health/) are unprefixed and in none."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            editioned = in_editions or isinstance(entry.pattern, LocalePrefixPattern)
            yield from public_patterns(entry.url_patterns, inner, editioned)
        else:
            yield f"{namespace}{entry.name}", entry, in_editions


def edition_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@dataclass
class PublicKnock:
    name: str  # the URL name
    url: str
    state: str | None  # the state of the article the page is about ("missing": a slug nobody has)
    edition: str | None  # the language of the edition the address is in (None: outside the editions)
    query: dict | None = None


def public_knocks(world: World) -> list[PublicKnock]:
    """Every public URL kind, in every edition that has it: each page about
    a record, once per article state and once for a slug that does not
    exist."""
    from django.urls import reverse

    knocks = []
    for name, pattern, in_editions in public_patterns():
        kwargs = kwargs_of(pattern)
        for edition in edition_languages() if in_editions else [None]:
            # Reversed in the edition's language: /en/topics/... for English.
            with translation.override(edition or settings.LANGUAGE_CODE):
                knocks += _knocks_of(world, name, kwargs, edition, reverse)
    return knocks


def _knocks_of(world: World, name: str, kwargs: tuple, edition: str | None, reverse) -> list[PublicKnock]:
    knocks = []
    if name == "api:not-found":  # what no other API pattern matches
        knocks.append(PublicKnock(name, "/api/v1/no/such/thing/", "missing", edition))
    elif not kwargs:
        knocks.append(PublicKnock(name, reverse(name), None, edition))
        if name == "newsroom:search":
            words = [*SEARCHES, *(token(state, "headline") for state in STATES)]
            knocks += [PublicKnock(name, reverse(name), None, edition, {"q": word}) for word in words]
    elif kwargs == ("slug",):
        assert name in PUBLIC_SLUGS, f"no public policy for {name}: add it to PUBLIC_SLUGS"
        record = PUBLIC_SLUGS[name]
        for state in STATES:
            url = reverse(name, kwargs={"slug": world.public_slugs[state][record]})
            knocks.append(PublicKnock(name, url, state, edition))
        knocks.append(PublicKnock(name, reverse(name, kwargs={"slug": "no-such-thing"}), "missing", edition))
    elif kwargs == ("pk",):
        assert name in PUBLIC_IDS, f"no public policy for {name}: add it to PUBLIC_IDS"
        record = PUBLIC_IDS[name]
        if record in RECORD_MODELS:
            model = RECORD_MODELS[record]
            ids = [(model.objects.get(slug=world.public_slugs[state][record]).pk, state) for state in STATES]
        else:
            ids = [(subject.pk, subject.state) for subject in world.subjects[record]]
        for pk, state in ids:
            knocks.append(PublicKnock(name, reverse(name, kwargs={"pk": pk}), state, edition))
        knocks.append(PublicKnock(name, reverse(name, kwargs={"pk": 2_000_000_000}), "missing", edition))
    elif name == "preview":
        for state, link in world.links.items():
            knocks.append(PublicKnock(name, reverse(name, kwargs={"token": link.token}), state, edition))
        knocks.append(PublicKnock(name, reverse(name, kwargs={"token": "forged"}), "missing", edition))
    elif name == "sitemap-section":
        knocks += [PublicKnock(name, reverse(name, kwargs={"section": s}), None, edition) for s in SITEMAPS]
    else:
        raise AssertionError(f"the matrix cannot fill {kwargs} of the public page {name}")
    return knocks


def public_expect(world: World, knock: PublicKnock) -> tuple[int, str]:
    """The status and Location the policy gives ``knock``."""
    name, state = knock.name, knock.state
    if name == "preview":
        # Once public, the link leads to the story's own address.
        status = PREVIEW_STATUS.get(state, 404)
        return status, world.article_urls[state] if status == 302 else ""
    if state == "missing":
        return 404, ""
    if name == "newsroom:article-detail" and state == "published":
        # A public story is at its own address, in its language's edition;
        # the same slug in another edition leads there.
        own = world.article_urls[state]
        return (200, "") if knock.url == own else (301, own)
    if name in ONLY_WHEN_PUBLIC:
        return (200, "") if state == "published" else (404, "")
    return 200, ""


@pytest.mark.parametrize("role", ["anonymous", "owner", "other_writer"])
def test_no_public_url_tells_anything_of_an_unpublished_article(world, role, quiet_request_log):
    """Every public URL kind, about records that only an article in each
    state carries: the status the policy gives, and not a word of any
    article readers may not see (a preview link shows its own article, to
    whoever holds it)."""
    client = world.clients[role]
    failures, statuses = [], {}
    knocks = public_knocks(world)
    for knock in knocks:
        url, state = knock.url, knock.state
        shows = (state,) if knock.name == "preview" and PREVIEW_STATUS.get(state) == 200 else ()
        outcome = send(world, client, "GET", url, knock.query)
        # A search page repeats the words searched for.
        leaked = leaks(world, "anonymous", outcome.text, echo=knock.query, allowed_states=shows)
        statuses[(knock.name, state, knock.edition)] = outcome.status
        expected, location = public_expect(world, knock)
        if outcome.status != expected:
            failures.append(f"{url} ({state}): answered {outcome.status}, the policy says {expected}")
        elif outcome.location != location:
            failures.append(f"{url} ({state}): sent to {outcome.location!r}, the policy says {location!r}")
        if outcome.changed:
            failures.append(f"{url} ({state}): changed the database")
        if leaked:
            failures.append(f"{url} ({state}): told {', '.join(leaked)}")
    for feed, page in FEED_OF.items():
        for edition in edition_languages():
            for state in (*STATES, "missing"):
                feed_status, page_status = statuses[(feed, state, edition)], statuses[(page, state, edition)]
                if (feed_status == 404) != (page_status == 404):
                    failures.append(
                        f"{feed} ({edition} edition) answered {feed_status} where its page answered "
                        f"{page_status} ({state})"
                    )
    from django.urls import reverse

    for edition in edition_languages():
        with translation.override(edition):
            search = reverse("newsroom:search")
            lists = ((reverse("newsroom:topic-list"), "Shared topic"), (reverse("alliances:country-list"), "Cuba"))
        # A search narrowed to a topic only unpublished stories carry answers
        # as one narrowed to a topic that does not exist.
        unknown = send(world, client, "GET", search, {"q": "Headline", "topic": "no-such-topic"})
        for state in hidden_states("anonymous"):
            query = {"q": "Headline", "topic": world.public_slugs[state]["topic"]}
            narrowed = send(world, client, "GET", search, query)
            if (narrowed.status, narrowed.body) != (unknown.status, unknown.body):
                failures.append(f"{search} narrowed to the {state} article's topic tells it from an unknown one")
        # Counts tell nothing either: the topic and the country every article
        # carries count the one public story.
        for page, name in lists:
            text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(page).content.decode()))
            if not re.search(rf"{name} {ONE_STORY[edition]}\b", text):
                failures.append(f"{page} does not count {name}'s one public story")
    # Every public URL kind, and the reader pages in every edition.
    assert {knock.edition for knock in knocks} == {None, *edition_languages()}
    for edition in edition_languages():
        in_edition = {knock.name for knock in knocks if knock.edition == edition}
        assert in_edition == {knock.name for knock in knocks if knock.edition == settings.LANGUAGE_CODE}
    assert len(knocks) > 160
    assert failures == [], "\n".join(failures)
