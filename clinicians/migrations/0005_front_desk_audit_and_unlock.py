"""The front desk reads the audit history and unlocks colleagues locked out after failed sign-ins."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("auditlog", "view_logentry"),
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    front_desk = Group.objects.get(name="Front desk")
    for app_label, codename in PERMISSIONS:
        front_desk.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    front_desk = Group.objects.filter(name="Front desk").first()
    if front_desk:
        for app_label, codename in PERMISSIONS:
            front_desk.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("clinicians", "0004_clearer_slug_help"),
        ("auditlog", "0017_add_actor_email"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
