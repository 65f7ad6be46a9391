"""Create the Writer and Editor groups with their permissions.

Writer: drafts articles and hands them to the desk; reads the reference data
(countries, agreements, people) to tag and link stories. Editor: everything on
articles including publishing, and the topics, authors and alliance records.
Which articles a writer may change (own drafts only) is enforced in code, in
``newsroom.editorial.services.can_edit``; these groups only grant the model rights.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = {
    "newsroom": {
        "article": ["add", "change", "view"],
        "byline": ["add", "change", "delete", "view"],
        "source": ["add", "change", "delete", "view"],
        "relatedvideo": ["add", "change", "delete", "view"],
        "correction": ["view"],
        "author": ["view"],
        "topic": ["add", "view"],
    },
    "alliances": {
        "articleagreement": ["add", "change", "delete", "view"],
        "country": ["view"],
        "agreement": ["view"],
        "sector": ["view"],
        "person": ["view"],
        "organization": ["view"],
    },
}

EDITOR_MODELS = {
    "newsroom": [
        "article",
        "byline",
        "source",
        "relatedvideo",
        "correction",
        "author",
        "topic",
        "taggedtopic",
        "taggedcountry",
    ],
    "alliances": [
        "country",
        "sector",
        "agreement",
        "agreementparty",
        "agreementsource",
        "person",
        "organization",
        "articleagreement",
    ],
}


def ensure_permissions(apps):
    # Permissions are normally created after all migrations ran; create them
    # now so the groups can be given them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def perms(apps, app_label, model, actions):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for action in actions]
    found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    if len(found) != len(codenames):
        raise RuntimeError(f"Missing permissions for {app_label}.{model}: {codenames}")
    return found


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    writer, _ = Group.objects.get_or_create(name="Writer")
    for app_label, models in WRITER.items():
        for model, actions in models.items():
            writer.permissions.add(*perms(apps, app_label, model, actions))

    editor, _ = Group.objects.get_or_create(name="Editor")
    for app_label, models in EDITOR_MODELS.items():
        for model in models:
            editor.permissions.add(*perms(apps, app_label, model, ["add", "change", "delete", "view"]))
    editor.permissions.add(Permission.objects.get(content_type__app_label="newsroom", codename="publish_article"))
    editor.permissions.add(*perms(apps, "newsroom", "editorialevent", ["view"]))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Writer", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_initial"),
        ("alliances", "0003_seed_countries"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
