from django.db import migrations


def remove_welcome_page(apps, schema_editor):
    """Wagtail's first migration makes a 'Welcome' page; units bring their own homes."""
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    welcome = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
    if welcome is None or Page.objects.filter(depth=3, path__startswith=welcome.path).exists():
        return
    Site.objects.filter(root_page=welcome).delete()
    welcome.delete()
    root = Page.objects.get(depth=1)
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("content_types", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(remove_welcome_page, migrations.RunPython.noop)]
