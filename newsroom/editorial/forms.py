"""Admin forms for articles.

Topics and countries are both taggit managers on Article, but the admin edits
them as pick lists, not as taggit's comma-separated text box:

- ``tags`` is one field that finds existing topics (the admin's own
  autocomplete view, fed by TopicAdmin.search_fields), so a writer finds
  "Sanctions" instead of typing a near-duplicate, and adds a new name on
  Enter (``TopicPicker``; posted as "+name"). The topic tag manager
  (newsroom.models.tagging) turns "cuba", " CUBA " or "Cúba" into the existing
  "Cuba", and an alias into its topic, rather than a second topic. Without
  JavaScript the picker cannot take new names: ``new_topics``, a text field
  the script hides, takes them instead.
- ``countries`` is an autocomplete over the seeded ISO list only. A raw POST
  with anything but the id of an existing country is a field error; no code
  path here can create a country.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alliances.models import Country
from newsroom.core import formats
from newsroom.core.text import topic_key
from newsroom.editorial import services, translations
from newsroom.models import Article, Topic, TopicAlias

TOPIC_NAME_MAX = Topic._meta.get_field("name").max_length
# One suggestion turned down: its kind and the record's id.
DISMISSED = re.compile(r"(countries|people|organizations|agreements):[0-9]{1,12}")


class _KnownValuesOnly:
    """Django's autocomplete widgets look up the submitted values to label
    them when a form is shown again with errors; a raw POST carrying "abc"
    for an id makes that lookup raise (a 500). Values that cannot be ids are
    left out of the redisplay; the field's own error already names them."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        return super().optgroups(name, [v for v in value if self._is_valid(target, v)], attr)

    @staticmethod
    def _is_valid(target, value) -> bool:
        try:
            target.to_python(value)
        except ValidationError:
            return False
        return True


class SafeAutocompleteSelect(_KnownValuesOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_KnownValuesOnly, AutocompleteSelectMultiple):
    pass


class TopicPicker(SafeAutocompleteSelectMultiple):
    """The topic field: an autocomplete over the topics the user may see
    that also takes a new name, posted as "+name" (article-form.js starts
    it, with Select2's tags; Django's own script leaves it alone, as it
    lacks the "admin-autocomplete" class). A form shown again with an error
    keeps the new names picked."""

    NEW = "+"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["class"] = " ".join(
            "topic-picker" if name == "admin-autocomplete" else name for name in attrs["class"].split()
        )
        return attrs

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        for index, new in enumerate(self.new_names(value), start=len(options)):
            options.append(self.create_option(name, self.NEW + new, new, True, index))
        return groups

    @classmethod
    def new_names(cls, values) -> list[str]:
        return [str(value)[len(cls.NEW) :] for value in values or [] if str(value).startswith(cls.NEW)]


class TopicsField(forms.ModelMultipleChoiceField):
    """Existing topics by id; the new names beside them ("+name") are the
    form's to check and add (ArticleAdminForm.clean_tags)."""

    def clean(self, value):
        return super().clean([item for item in value or [] if not str(item).startswith(TopicPicker.NEW)])


class OwnRowsInlineFormSet(BaseInlineFormSet):
    """An inline formset whose rows can only be rows of its own record.
    Django checks a posted row id against every row of the table, so a
    hand-made row with the id of a colleague's byline or source validated
    while a missing id was an error: a way to learn which ids exist on
    articles one may not open. Here any id but one of this record's rows is
    the same "select a valid choice" error."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get(self.model._meta.pk.name)
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = self.get_queryset() if self.instance.pk is not None else self.model._default_manager.none()


class EditLockFormMixin(forms.Form):
    """For the change forms of records two editors may open at once
    (articles, agreements): the form carries, as ``loaded_version``, the
    ``lock_version`` the record had when the form was loaded, and a save is
    refused when the record has moved on since, with an error that names who
    saved first and when. The editor's own text stays in the form; nothing
    is written.

    The check here gives the friendly error; ``services.claim_edit`` repeats
    it in the UPDATE itself, for two saves that pass this check at the same
    moment (the admin then shows this same error, ``known_conflict``)."""

    # Not named like the model field: a form field for a non-editable model
    # field would be refused by the admin's form factory.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # Set by the admin when the database refused the save (EditConflict).
    known_conflict = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.lock_version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            self._check_edit_lock(cleaned_data.get("loaded_version"))
        return cleaned_data

    def _check_edit_lock(self, sent: int | None) -> None:
        model = type(self.instance)
        current = (
            model._default_manager.filter(pk=self.instance.pk)
            .values("lock_version", "updated_at", "last_edited_by")
            .first()
        )
        if current is None:
            return
        if sent is not None and sent == current["lock_version"] and not self.known_conflict:
            return
        self.add_error(None, ValidationError(self._conflict_message(current), code="edit_conflict"))

    def _conflict_message(self, current: dict) -> str:
        from django.contrib.auth import get_user_model

        user = get_user_model()._default_manager.filter(pk=current["last_edited_by"]).first()
        who = (user.get_full_name() or user.get_username()) if user else gettext("Someone")
        when = date_format(timezone.localtime(current["updated_at"]), "j F Y, H:i")
        return gettext(
            "%(who)s saved this %(what)s at %(when)s, after you opened it. Your changes were not saved and "
            "nothing was overwritten: they are still in the form below. Open the %(what)s in a new tab (or "
            "compare the versions in its history) to see what changed, then reload this page and make your "
            "changes again."
        ) % {"who": who, "when": when, "what": self.instance._meta.verbose_name}


class ArticleAdminForm(EditLockFormMixin, forms.ModelForm):
    tags = TopicsField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=TopicPicker(Article._meta.get_field("tags"), admin.site),
        help_text=_(
            "Start typing to find a topic; capitals and accents do not matter. "
            "To add a new topic, type its name and press Enter."
        ),
    )
    new_topics = forms.CharField(
        # Only shown without JavaScript (the topic field takes new names).
        label=_("New topics"),
        required=False,
        max_length=500,
        help_text=_(
            "Only for a topic that does not exist yet. Separate topics with commas; "
            "a name that matches an existing topic in any case is added as that topic."
        ),
    )
    suggestions_dismissed = forms.CharField(
        # Kept by the suggestion panel (article-form.js): "kind:id" entries,
        # one per line, of the suggestions turned down for this story.
        required=False,
        widget=forms.HiddenInput,
        max_length=20_000,
    )
    substantive_update = forms.BooleanField(
        label=_("Substantive update"),
        required=False,
        help_text=_(
            "Tick when this save changes what a published story says (new facts, a changed figure or "
            "conclusion): readers then see “Updated” with today's date. Leave it unticked for typo fixes."
        ),
    )
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.all(),
        required=False,
        widget=SafeAutocompleteSelectMultiple(Article._meta.get_field("countries"), admin.site),
        help_text=_(
            "The countries the story is about, picked from the list: type a name in English or Spanish "
            "(“iran” finds Irán) or a code such as CU."
        ),
    )

    #: The person filling the form in (set by ArticleAdmin.get_form, and
    #: required): the topic picker offers only the topics they may know of
    #: (TopicQuerySet.visible_to), so no topic id posted by hand can attach,
    #: and then show, a topic that only a colleague's draft carries.
    user = None
    #: The button pressed (services.ACTIONS; ArticleAdmin.get_form sets it).
    action = None
    #: A working copy to open the form with (newsroom.editorial.autosave;
    #: ArticleAdmin.get_form sets it when the writer asks to restore one).
    restored = None

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "dek",
            "body",
            "image",
            "image_alt",
            "image_caption",
            "image_credit",
            "published_at",
            "language",
            "tags",
            "countries",
            "people",
            "organizations",
        ]
        # Headlines and deks run long; give them room to be read whole.
        widgets = {
            "headline": forms.TextInput(attrs={"size": 80}),
            "dek": forms.TextInput(attrs={"size": 80}),
        }
        # Written for the journalists filling the form in, in the order they
        # meet the fields.
        help_texts = {
            "headline": _(
                "What readers see first. Search engines show about 60 characters, so put the key words early."
            ),
            "slug": _(
                "The end of the article's web address, filled in from the headline. Keep it short; "
                "once published, it is the link readers share."
            ),
            "dek": _(
                "One sentence under the headline that says why the story matters. Search engines show "
                "about 155 characters of it under the link."
            ),
            "body": _(
                "Use headings for sections, quotes for quoted passages and links to your sources. Text "
                "pasted from a document or a web page keeps its headings, lists and links and drops fonts "
                "and colours."
            ),
            "image": _("A wide photograph that leads the story (at least 1200 pixels across)."),
            "image_alt": _(
                "Say what the photograph shows, for readers who cannot see it. Needed to publish or "
                "schedule an article with a photograph."
            ),
            "image_caption": _("What is happening in the photograph: who, where and when."),
            "image_credit": _("Who took the photograph or owns it, e.g. “Reuters” or “Photo: Ana Pérez”."),
            "published_at": _(
                "When the story goes public. “Schedule…” publishes it at this time, and it appears by itself; "
                "on a draft, an editor's time is the slot the desk plans for it. “Publish now” publishes at once."
            ),
            "language": _("The language the article is written in."),
            "people": _("People the story is about. Start typing a name; accents do not matter."),
            "organizations": _(
                "Governments, companies and other bodies the story is about. Start typing a name; accents "
                "do not matter."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is None:
            # Offering every topic would show hidden ones; offering none would
            # drop the article's topics on save. Neither is safe.
            raise TypeError("ArticleAdminForm needs the user filling it in (ArticleAdmin.get_form sets it).")
        self.fields["tags"].queryset = Topic.objects.visible_to(self.user)
        self.fields["suggestions_dismissed"].initial = "\n".join(self.instance.dismissed_suggestions or [])
        if self.restored is not None and not self.is_bound:
            # The autosaved words, to be saved (or not) by the writer; a
            # save is checked against the version they were written on.
            for name, value in self.restored.fields.items():
                if name in self.fields:
                    self.initial[name] = value
            if self.instance.pk is not None and self.restored.base_version is not None:
                self.initial["loaded_version"] = self.restored.base_version
        if "published_at" in self.fields:
            # Typed and shown in the newsroom's time, whatever the editor's
            # computer says: the label names the zone.
            field = self.fields["published_at"]
            field.label = formats.zoned(capfirst(field.label))

    def clean_language(self):
        language = self.cleaned_data["language"]
        translations.check_language(self.instance, language)
        return language

    def clean(self):
        """Refuse, before anything is saved, a button the user may not press
        on this story (whatever was posted), a publication the services
        would refuse and a time the button would not use: the form comes
        back with the error and every word typed. The services check again
        after the content is saved; what they refuse then (a colleague
        changed the story's state in between) is reported, and the content
        stays saved."""
        cleaned_data = super().clean()
        action = self.action or "save"
        article = self.instance if self.instance.pk else None
        if action not in services.available_actions(self.user, article):
            raise ValidationError(_("That action is not open to you on this story now. Nothing was saved."))
        now = timezone.now()
        at = cleaned_data.get("published_at")
        stays_published = article is not None and article.status == Article.Status.PUBLISHED
        if action in ("publish", "schedule") or (stays_published and action == "save"):
            # Only when the article is to be public (or stays so): a draft may
            # wait for its alt text. ``image`` is the new upload, the kept
            # file, or False when the editor ticked "Clear".
            try:
                services.require_alt_text(image=cleaned_data.get("image"), image_alt=cleaned_data.get("image_alt"))
            except ValidationError as exc:
                self.add_error(None, exc)
        if action == "schedule" and "published_at" not in self.errors and (at is None or at <= now):
            self.add_error(
                "published_at", _("To schedule the story, give it a publication time in the future (Cuba time).")
            )
        ignored = {
            "publish": _(
                "“Publish now” publishes at once. To publish at the time you typed, use “Schedule…”; "
                "otherwise undo the change to the time."
            ),
            "unpublish": _("An unpublished story keeps no time: undo the change to it first."),
            "archive": _("An archived story keeps the time it was published at: undo the change to it first."),
        }
        if action in ignored and "published_at" in self.changed_data and "published_at" not in self.errors:
            self.add_error("published_at", ignored[action])
        if (
            action in ("save", "review")
            and "published_at" in self.changed_data
            and at is not None
            and at <= now
            and (article is None or article.status in (Article.Status.DRAFT, Article.Status.REVIEW))
        ):
            self.add_error(
                "published_at",
                _("A planned time must be in the future. To publish the story now, use “Publish now”."),
            )
        return cleaned_data

    def clean_published_at(self):
        value = self.cleaned_data.get("published_at")
        first, last = Article.PUBLICATION_YEARS
        if value is not None and not first <= value.year <= last:
            raise forms.ValidationError(
                _("Choose a publication time between the years %(first)d and %(last)d."),
                params={"first": first, "last": last},
            )
        return value

    def clean_suggestions_dismissed(self) -> list[str]:
        entries = list(dict.fromkeys(line.strip() for line in self.cleaned_data["suggestions_dismissed"].splitlines()))
        entries = [entry for entry in entries if entry]
        if any(not DISMISSED.fullmatch(entry) for entry in entries):
            raise forms.ValidationError(_("The list of dismissed suggestions is not valid; reload the page."))
        return entries

    def clean_tags(self):
        # The new names picked in the topic field, checked like typed ones;
        # the picked existing topics are the field's (TopicsField).
        picked = self.fields["tags"].widget.value_from_datadict(self.data, self.files, self.add_prefix("tags"))
        self.picked_new_topics = self._check_topic_names(TopicPicker.new_names(picked))
        return self.cleaned_data["tags"]

    def clean_new_topics(self) -> list[str]:
        # Commas only, as the help text says: taggit's parse_tags would turn
        # "energy crisis" (no comma) into two topics, "crisis" and "energy".
        typed = self.cleaned_data.get("new_topics", "")
        return self._check_topic_names(typed.split(","))

    def _check_topic_names(self, typed) -> list[str]:
        names = list(dict.fromkeys(" ".join(name.split()) for name in typed if name.strip()))
        too_long = [name for name in names if len(name) > TOPIC_NAME_MAX]
        if too_long:
            raise forms.ValidationError(
                _("A topic name can have at most %(max)d characters: %(names)s"),
                params={"max": TOPIC_NAME_MAX, "names": ", ".join(too_long)},
            )
        reserved = [name for name in names if self._reserved(name)]
        if reserved:
            raise forms.ValidationError(
                _(
                    "The newsroom keeps %(names)s for a topic you cannot use yet. "
                    "Choose another name, or ask an editor."
                ),
                params={"names": ", ".join(f"“{name}”" for name in reserved)},
            )
        return names

    def _reserved(self, name: str) -> bool:
        """Whether ``name`` is another name (an alias) of a topic the user
        may not know of. A name that is the topic's own, up to case and
        accents, attaches that topic: the user typed it and learns nothing
        more. An alias would attach a topic by a name they never typed, so
        it is refused, without naming the topic."""
        key = topic_key(name)
        if Topic.objects.filter(key=key).exists():
            return False
        alias = TopicAlias.objects.filter(key=key).first()
        return alias is not None and not Topic.objects.visible_to(self.user).filter(pk=alias.topic_id).exists()

    def save(self, commit=True):
        # tags and countries are saved by the TaggableManagers' own
        # save_form_data (tags.set / countries.set with the picked rows);
        # the typed new topics are added on top, once the many-to-many
        # fields are saved: now, or when the admin calls save_m2m() later.
        self.instance.dismissed_suggestions = self.cleaned_data.get("suggestions_dismissed") or []
        article = super().save(commit=commit)
        if commit:
            self.add_new_topics()
        else:
            save_picked = self.save_m2m

            def save_m2m():
                save_picked()
                self.add_new_topics()

            self.save_m2m = save_m2m
        return article

    def add_new_topics(self) -> None:
        names = [*getattr(self, "picked_new_topics", []), *(self.cleaned_data.get("new_topics") or [])]
        if names:
            self.instance.tags.add(*names)
