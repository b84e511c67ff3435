from django.db import migrations

# The public calendar lists public meetings under this category
# (settings.CONFERENCES_CALENDAR_CATEGORY).
SLUG = "stadtteilkonferenz"


def add_category(apps, schema_editor):
    Category = apps.get_model("events", "Category")
    Category.objects.get_or_create(slug=SLUG, defaults={"name": "Stadtteilkonferenz"})


class Migration(migrations.Migration):
    dependencies = [
        ("conferences", "0001_initial"),
        ("events", "0007_occurrence_board_event_id"),
    ]

    operations = [migrations.RunPython(add_category, migrations.RunPython.noop)]
