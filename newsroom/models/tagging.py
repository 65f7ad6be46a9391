"""Topic tagging that never makes a second topic out of a spelling.

taggit's TAGGIT_CASE_INSENSITIVE only folds case: "Cuba" and "CUBA" are one
tag, but "Cúba" or "  cuba  " would be new ones. Every topic carries a
``key``, its name folded by ``topic_key`` (case, accents and spacing
removed), unique in the database. ``TopicTagManager`` resolves every typed
name through that key, and through the aliases editors set up (TopicAlias:
"EE.UU." -> "United States"), before it creates anything.
"""

from __future__ import annotations

from django.db import IntegrityError, router, transaction
from taggit.managers import _TaggableManager  # private-api: taggit documents subclassing it for a custom tag manager

from newsroom.core.text import clean_topic_name, reader_name, topic_key
from newsroom.models.topics import Topic, TopicAlias


def resolve_topic(name: str, *, using=None):
    """The existing topic that ``name`` means (by key, then by alias), or
    None when it names no topic yet."""
    key = topic_key(name)
    if not key:
        return None
    topic = Topic.objects.using(using).filter(key=key).first()
    if topic is None:
        alias = TopicAlias.objects.using(using).select_related("topic").filter(key=key).first()
        topic = alias.topic if alias else None
    return topic


def get_or_create_topic(name: str, *, using=None, language: str = "es"):
    """The topic ``name`` means, created when there is none, its reader name
    in ``language`` (that of the story it was typed on) taken from what was
    typed. Two editors typing a new name at once end up with the same topic:
    the loser of the race hits the unique key and takes the winner's row."""
    topic = resolve_topic(name, using=using)
    if topic is not None:
        return topic
    name = clean_topic_name(name)
    language = language if language in ("es", "en") else "es"
    try:
        with transaction.atomic(using=using):
            return Topic.objects.using(using).create(name=name, **{f"name_{language}": reader_name(name)})
    except IntegrityError:
        topic = resolve_topic(name, using=using)
        if topic is None:
            raise
        return topic


class TopicTagManager(_TaggableManager):
    """Article.tags: strings typed by an editor become the canonical topic."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        model = self.through.tag_model()
        db = router.db_for_write(self.through, instance=self.instance)
        result, seen = [], set()
        for tag in tags:
            if isinstance(tag, model):
                topic = tag
            elif isinstance(tag, str):
                if not topic_key(tag):
                    continue
                language = getattr(self.instance, "language", None) or "es"
                topic = get_or_create_topic(tag, using=db, language=language)
            else:
                raise ValueError(f"Cannot add {tag!r} ({type(tag)}). Expected a topic or a name.")
            if topic.pk not in seen:
                seen.add(topic.pk)
                result.append(topic)
        return result
