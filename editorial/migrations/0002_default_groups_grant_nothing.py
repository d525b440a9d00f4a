"""Wagtail's install creates "Moderators" and "Editors" with rights on the whole
page tree and the root collection. Here every right comes from a board's role on
its own unit (``editorial.provisioning``), so those two groups would hand the
whole tree to anyone later put in them: strip their page and collection rights.
The groups themselves stay (Wagtail's default workflow task names Moderators)."""

from django.db import migrations

WAGTAIL_DEFAULT_GROUPS = ("Moderators", "Editors")


def strip_default_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    groups = Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS)
    GroupPagePermission.objects.filter(group__in=groups).delete()
    GroupCollectionPermission.objects.filter(group__in=groups).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        # The last migrations of the apps that grant those groups rights.
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(strip_default_groups, migrations.RunPython.noop)]
