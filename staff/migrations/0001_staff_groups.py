"""The two staff roles the practice signs in with, each with exactly the permissions it needs.

The front desk also reads the audit history and unlocks colleagues locked out after failed sign-ins.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("view", "add", "change", "delete")

FRONT_DESK = {
    "clinicians": {"clinician": ALL, "specialty": ALL},
    "thrive": {"sitesettings": ("view", "change")},
    "pages": {"page": ALL, "section": ALL, "announcement": ALL},
    "consultations": {
        "consultation": (*ALL, "view_all_consultations"),
        "consultationhours": ALL,
        "timeoff": ALL,
        "consultationsettings": ("view", "change"),
        # The outbox is a record of what was sent: it can be looked at and retried, not invented or erased.
        "notification": ("view", "change"),
        # Kept as proof that a request was handled, so it is never deleted.
        "privacyrequest": ("view", "add", "change"),
    },
    "auditlog": {"logentry": ("view",)},
    "axes": {"accessattempt": ("view", "delete")},
}

CLINICIANS = {
    "clinicians": {"clinician": ("view", "change")},
    "consultations": {
        "consultation": ("view", "change"),
        "consultationhours": ALL,
        "timeoff": ALL,
    },
}

GROUPS = {"Front desk": FRONT_DESK, "Clinicians": CLINICIANS}


def _codenames(model, actions):
    return [action if "_" in action else f"{action}_{model}" for action in actions]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, spec in GROUPS.items():
        permissions = []
        for app_label, models in spec.items():
            for model, actions in models.items():
                for codename in _codenames(model, actions):
                    permissions.append(
                        Permission.objects.get(content_type__app_label=app_label, codename=codename)
                    )
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("thrive", "0001_initial"),
        ("clinicians", "0001_initial"),
        ("pages", "0001_initial"),
        ("consultations", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
