"""The newsroom's editorial records, one module per kind (people, topics,
articles, workflow), all under the "newsroom" app label: their tables and
migrations are those of the single models.py they were split from.
"""

import reversion

from newsroom.core.copies import COPY_FIELDS
from newsroom.models.articles import (
    BODY_EXTENSIONS,
    CARD_FIELDS,
    Article,
    ArticleOrganization,
    ArticlePerson,
    ArticleQuerySet,
    Byline,
    Correction,
    Kicker,
    RelatedVideo,
    Source,
)
from newsroom.models.front import FrontPage, FrontPageFeature, FrontPageLead, FrontPageTopic
from newsroom.models.people import Author, StaffPreferences, can_publish
from newsroom.models.topics import ArticleTagLink, TaggedCountry, TaggedTopic, Topic, TopicAlias, TopicQuerySet
from newsroom.models.visibility import public_q
from newsroom.models.workflow import (
    PREVIEW_DAYS,
    PREVIEW_SALT,
    EditorialEvent,
    PreviewLink,
    PreviewLinkQuerySet,
    Redirect,
    WorkingCopy,
    default_preview_expiry,
)

__all__ = [
    "BODY_EXTENSIONS",
    "CARD_FIELDS",
    "PREVIEW_DAYS",
    "PREVIEW_SALT",
    "Article",
    "ArticleOrganization",
    "ArticlePerson",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Correction",
    "EditorialEvent",
    "FrontPage",
    "FrontPageFeature",
    "FrontPageLead",
    "FrontPageTopic",
    "Kicker",
    "ArticleTagLink",
    "PreviewLink",
    "PreviewLinkQuerySet",
    "Redirect",
    "WorkingCopy",
    "RelatedVideo",
    "Source",
    "StaffPreferences",
    "TaggedCountry",
    "TaggedTopic",
    "Topic",
    "TopicAlias",
    "TopicQuerySet",
    "can_publish",
    "default_preview_expiry",
    "public_q",
]

# -- History (django-reversion) ------------------------------------------------
# An article's version holds the rows that make up the story: bylines,
# sources, videos, corrections, its topic and country links, its agreement
# links (ArticleAgreement is registered in alliances.models) and the people
# and organisations it names. Versions from before those two had link models
# of their own hold them as the article's many-to-many values; restoring
# reads either. The search vector and the related list are derived data,
# rebuilt on save.

for _model in (Byline, Source, RelatedVideo, Correction):
    reversion.register(_model)
for _model in (TaggedTopic, TaggedCountry, ArticlePerson, ArticleOrganization):
    # The listing copies are derived (newsroom.stored.listings), refreshed on restore.
    reversion.register(_model, exclude=COPY_FIELDS)
reversion.register(
    Article,
    exclude=["search_vector", "related", "card", "page_lists", "image_renditions"],
    follow=Article.HISTORY_FOLLOW,
)
