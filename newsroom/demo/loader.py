"""Write the demo content of ``newsroom.demo.content`` into the database.

The rule that makes a second run harmless: every record is looked up by its
stable key (a slug, or a username for the accounts) and created, with its
links, only when it is missing. A record that exists is left exactly as it is,
so an editor's later changes survive any number of runs; a demo record that
was deleted comes back on the next run. Everything is validated with
``full_clean()`` and written in one transaction. Articles are published and
scheduled through ``newsroom.editorial.services`` by the demo editor, as an editor would.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from alliances.models import (
    Agreement,
    AgreementParticipant,
    AgreementParty,
    AgreementSource,
    ArticleAgreement,
    Country,
    Organization,
    Person,
    Sector,
)
from newsroom.core.text import topic_key
from newsroom.demo import content
from newsroom.demo.image import hero_image_png
from newsroom.editorial import history, services, translations
from newsroom.models import Article, Author, Byline, FrontPage, FrontPageLead, FrontPageTopic, Source, Topic


class DemoError(Exception):
    """The database is not in a state the demo can load into."""


@dataclass
class Account:
    username: str
    group: str
    password: str | None  # set only when the account was created by this run


@dataclass
class Result:
    created: Counter = field(default_factory=Counter)
    accounts: list[Account] = field(default_factory=list)
    launch: Article | None = None
    repaired_image: bool = False


def load() -> Result:
    """Load the demo content; safe to run any number of times."""
    result = Result()
    with transaction.atomic():
        groups = {g.name: g for g in Group.objects.filter(name__in=["Editor", "Writer"])}
        if len(groups) != 2:
            raise DemoError("The Editor and Writer groups are missing: run `manage.py migrate` first.")
        editor = _account("editor", groups["Editor"], result)
        writer = _account("writer", groups["Writer"], result)

        codes = {"AR", "ES"}
        codes |= {p["country"] for p in content.PEOPLE} | {o["country"] for o in content.ORGANIZATIONS}
        for spec in content.AGREEMENTS:
            codes |= {code for code, _role in spec.parties}
        for spec in content.ARTICLES:
            codes |= set(spec.countries)
        countries = {c.iso2: c for c in Country.objects.filter(iso2__in=codes)}
        if set(countries) != codes:
            raise DemoError("The country list is not seeded: run `manage.py migrate` first.")

        sectors = {
            slug: _create_once(Sector, result, slug=slug, name=name, name_es=name_es)
            for slug, (name, name_es) in content.SECTORS.items()
        }
        for name, (name_es, name_en) in content.TOPIC_NAMES.items():
            _topic(name, name_es, name_en, result)
        people = {
            p["slug"]: _create_once(Person, result, **{**p, "country": countries[p["country"]]}) for p in content.PEOPLE
        }
        organizations = {
            o["slug"]: _create_once(Organization, result, **{**o, "country": countries[o["country"]]})
            for o in content.ORGANIZATIONS
        }
        agreements = {}
        for spec in content.AGREEMENTS:
            agreements[spec.slug] = _agreement(spec, agreements, sectors, countries, people, result)

        authors = {
            "editorial-team": _create_once(Author, result, **content.EDITORIAL_TEAM),
            "demo-writer": _own_author(writer, content.DEMO_WRITER, result),
        }
        _own_author(editor, content.DEMO_EDITOR, result)
        owners = {"editorial-team": editor, "demo-writer": writer}
        now = timezone.now()
        for spec in content.ARTICLES:
            article = _article(
                spec,
                now=now,
                author=authors[spec.author],
                owner=owners[spec.author],
                publisher=editor,
                agreements=agreements,
                people=people,
                organizations=organizations,
                result=result,
            )
            if spec.slug == content.LAUNCH_SLUG:
                result.launch = article
        translated = [_translation(spec, now=now, editor=editor, result=result) for spec in content.TRANSLATIONS]
        _front_page([result.launch, *translated], editor)
    return result


def _front_page(leads, editor) -> None:
    """The launch story leads the Spanish edition and its translation the
    English one; the geopolitics and sanctions topics get blocks. Only on a
    front page nobody has arranged yet: an editor's picks are never changed."""
    if FrontPageLead.objects.exists() or FrontPageTopic.objects.exists():
        return
    page = FrontPage.get()
    for article in leads:
        if article is not None and article.is_public:
            FrontPageLead.objects.create(front=page, article=article, created_by=editor)
    for position, name in enumerate(content.FRONT_TOPICS, start=1):
        topic = Topic.objects.filter(key=topic_key(name)).first()
        if topic is not None:
            FrontPageTopic.objects.create(front=page, topic=topic, position=position)


def _create_once(model: type[models.Model], result: Result, *, slug: str, **fields) -> models.Model:
    """The row with ``slug``; created from ``fields`` only if there is none."""
    existing = model._default_manager.filter(slug=slug).first()
    if existing is not None:
        return existing
    obj = model(slug=slug, **fields)
    obj.full_clean()
    obj.save()
    result.created[str(model._meta.verbose_name_plural)] += 1
    return obj


def _account(username: str, group: Group, result: Result):
    """The demo account ``username``. A new one gets a random password that
    the command prints once; an existing one is never touched, so a password
    its owner changed stays changed."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        result.accounts.append(Account(username, group.name, None))
        return user
    password = secrets.token_urlsafe(18)
    user = User(username=username, is_staff=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(group)
    result.accounts.append(Account(username, group.name, password))
    result.created["accounts"] += 1
    return user


def _own_author(user, spec: dict, result: Result) -> Author:
    """The byline of a demo account (the story form starts with it)."""
    existing = Author.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    # Link the byline to the account unless that account already writes as
    # someone else (an author belongs to one account at most).
    linked = not Author.objects.filter(user=user).exists()
    return _create_once(Author, result, **spec, user=user if linked else None)


def _agreement(spec, agreements, sectors, countries, people, result: Result) -> Agreement:
    existing = Agreement.objects.filter(slug=spec.slug).first()
    if existing is not None:
        return existing
    agreement = Agreement(
        slug=spec.slug,
        title=spec.title,
        title_en=spec.title_en,
        kind=spec.kind,
        status=spec.status,
        summary=spec.summary,
        summary_en=spec.summary_en,
        duration_years=spec.duration_years,
        signed_on=spec.signed_on,
        signed_on_precision=spec.signed_on_precision,
        part_of=agreements[spec.part_of] if spec.part_of else None,
        supersedes=agreements[spec.supersedes] if spec.supersedes else None,
    )
    agreement.full_clean()
    parties = [(countries[code].pk, role) for code, role in spec.parties]
    agreement.check_parties(parties)
    agreement.save()
    for country_id, role in parties:
        party = AgreementParty(agreement=agreement, country_id=country_id, role=role)
        party.full_clean()
        party.save()
    for outlet in spec.sources:
        source = AgreementSource(agreement=agreement, outlet=outlet)
        source.full_clean()
        source.save()
    agreement.sectors.set([sectors[slug] for slug in spec.sectors])
    for slug, role, note in spec.participants:
        participant = AgreementParticipant(agreement=agreement, person=people[slug], role=role, note=note)
        participant.full_clean()
        participant.save()
    result.created["agreements"] += 1
    return agreement


def _topic(name: str, name_es: str, name_en: str, result: Result) -> Topic:
    """The topic ``name`` means, created with its reader names when missing
    (found by its folded key, as tagging finds it; the articles then tag it)."""
    existing = Topic.objects.filter(key=topic_key(name)).first()
    if existing is not None:
        return existing
    topic = Topic(name=name, name_es=name_es, name_en=name_en)
    topic.full_clean(exclude=["slug"])  # made from the name on save, as for a typed topic
    topic.save()
    result.created["topics"] += 1
    return topic


def _article(spec, *, now, author, owner, publisher, agreements, people, organizations, result) -> Article:
    existing = Article.objects.filter(slug=spec.slug).first()
    if existing is not None:
        if spec.hero and _restore_missing_hero(existing):
            result.repaired_image = True
        return existing

    article = Article(
        slug=spec.slug,
        headline=spec.headline,
        dek=spec.dek,
        body=_tidy(spec.body),
        language=Article.Language.ES,
        status=Article.Status.DRAFT,
        created_by=owner,
    )
    if spec.hero:
        for name, value in content.HERO.items():
            setattr(article, name, value)
        article.image.save(content.HERO_FILENAME, ContentFile(hero_image_png()), save=False)
    article.full_clean()
    article.save()

    byline = Byline(article=article, author=author, position=0)
    byline.full_clean()
    byline.save()
    article.tags.add(*spec.tags)
    article.countries.add(*spec.countries)
    for position, outlet in enumerate(spec.sources):
        source = Source(article=article, outlet=outlet, position=position)
        source.full_clean()
        source.save()
    for slug, relation, note in spec.agreements:
        link = ArticleAgreement(article=article, agreement=agreements[slug], relation=relation, note=note)
        link.full_clean()
        link.save()
    article.people.set([people[slug] for slug in spec.people])
    article.organizations.set([organizations[slug] for slug in spec.organizations])

    if spec.state != "draft" and not services.can_publish(publisher):
        raise DemoError(
            f"The account {publisher.get_username()!r} exists but cannot publish, so the demo articles "
            "cannot be published. Put it in the Editor group and run load_demo again."
        )
    if spec.state == "public":
        when = now + spec.offset
        services.publish(article=article, user=publisher, at=when)
        # The demo's stories are dated in the past; without this the page
        # would announce an update made after publication that never was.
        Article.objects.filter(pk=article.pk).update(created_at=when, updated_at=when)
    elif spec.state == "scheduled":
        services.schedule(article=article, user=publisher, at=now + spec.offset)
    result.created["articles"] += 1
    return article


def _translation(spec, *, now, editor, result) -> Article | None:
    """The translation ``spec`` describes, started from its source as the
    article form's "Translate into English" starts one, written in its own
    language and published by the editor. Found by its slug; not made when
    the source is gone or already has a translation in that language (an
    editor's own is theirs)."""
    existing = Article.objects.filter(slug=spec.slug).first()
    if existing is not None:
        return existing
    source = Article.objects.filter(slug=spec.source).first()
    if source is None or (
        source.translation_key is not None
        and Article.objects.filter(translation_key=source.translation_key, language=spec.language).exists()
    ):
        return None
    article = translations.start_translation(source=source, user=editor, language=spec.language)
    article.slug = spec.slug
    article.headline = spec.headline
    article.dek = spec.dek
    article.body = _tidy(spec.body)
    for name, value in spec.hero.items():
        setattr(article, name, value)
    article.full_clean()
    article.save()
    for link in article.agreement_links.select_related("agreement"):
        if link.agreement.slug in spec.notes:
            link.note = spec.notes[link.agreement.slug]
            link.full_clean()
            link.save()
    history.record_version(article, user=editor)
    when = now + spec.offset
    services.publish(article=article, user=editor, at=when)
    Article.objects.filter(pk=article.pk).update(created_at=when, updated_at=when)
    result.created["articles"] += 1
    return article


def _restore_missing_hero(article: Article) -> bool:
    """Redraw the hero image if the database names a file that is gone (a
    deleted media folder); an image an editor removed or replaced is theirs."""
    if not article.image or article.image.storage.exists(article.image.name):
        return False
    saved = article.image.storage.save(article.image.name, ContentFile(hero_image_png()))
    if saved != article.image.name:
        Article.objects.filter(pk=article.pk).update(image=saved)
    return True


_BLOCK_END = re.compile(r"(</(?:p|h2|h3|blockquote|ul|ol)>)\s*")


def _tidy(html: str) -> str:
    """One line per block: the source wraps paragraphs for reading, and the
    stored body should not carry those line breaks into the editor."""
    flat = " ".join(html.split())
    return _BLOCK_END.sub(r"\1\n", flat).strip()
