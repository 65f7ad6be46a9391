"""Editors record who took part in an agreement (the model of 0011), as they
edit its parties and sources; writers may read those rows, as they read
the agreement."""

from django.db import migrations

ACTIONS = {"Editor": ["add", "change", "delete", "view"], "Writer": ["view"]}


def ensure_permissions(apps):
    # As in newsroom 0002: permissions are normally created after all migrations.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("alliances")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def permissions(apps, actions):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_agreementparticipant" for action in actions]
    found = list(Permission.objects.filter(content_type__app_label="alliances", codename__in=codenames))
    if len(found) != len(codenames):
        raise RuntimeError(f"Missing permissions: {sorted(set(codenames) - {p.codename for p in found})}")
    return found


def grant(apps, schema_editor):
    ensure_permissions(apps)
    for name, actions in ACTIONS.items():
        group = apps.get_model("auth", "Group").objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*permissions(apps, actions))


def revoke(apps, schema_editor):
    for name, actions in ACTIONS.items():
        group = apps.get_model("auth", "Group").objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*permissions(apps, actions))


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0011_people_and_organisation_pages"),
        ("newsroom", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
