"""Editors arrange the front page (the models of 0016). Writers get nothing:
the front page is the editors' choice. The one front page's row is made
here, so that no page view has to write it."""

from django.db import migrations

NEW_EDITOR_MODELS = ["frontpage", "frontpagelead", "frontpagefeature", "frontpagetopic"]
ACTIONS = ["add", "change", "delete", "view"]


def ensure_permissions(apps):
    # As in 0002: permissions are normally created after all migrations.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("newsroom")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def editor_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in NEW_EDITOR_MODELS for action in ACTIONS]
    found = list(Permission.objects.filter(content_type__app_label="newsroom", codename__in=codenames))
    if len(found) != len(codenames):
        raise RuntimeError(f"Missing permissions: {sorted(set(codenames) - {p.codename for p in found})}")
    return found


def grant(apps, schema_editor):
    apps.get_model("newsroom", "FrontPage").objects.get_or_create(pk=1)
    ensure_permissions(apps)
    editor = apps.get_model("auth", "Group").objects.filter(name="Editor").first()
    if editor is not None:
        editor.permissions.add(*editor_permissions(apps))


def revoke(apps, schema_editor):
    editor = apps.get_model("auth", "Group").objects.filter(name="Editor").first()
    if editor is not None:
        editor.permissions.remove(*editor_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0016_front_page"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
