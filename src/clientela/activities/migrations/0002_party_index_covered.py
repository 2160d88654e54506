"""The activity table is the hottest insert path (batch ingestion): drop the indexes no
query uses. The party index is covered by `activity_party_time` (party first); on
PostgreSQL, Django also makes `varchar_pattern_ops` indexes for the unique `public_id` and
`external_id`, which only serve `LIKE 'prefix%'` searches, which nothing runs on these
random ids and idempotency keys (their unique indexes serve every lookup)."""

import django.db.models.deletion
from django.db import migrations, models

_LIKE_INDEXED = ("public_id", "external_id")


def _like_index_names(schema_editor):
    table = "activities_activity"
    return [
        schema_editor._create_index_name(table, [column], suffix="_like")
        for column in _LIKE_INDEXED
    ]


def drop_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("activities", "Activity")
    for name in _like_index_names(schema_editor):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("activities", "Activity")
    for column in _LIKE_INDEXED:
        schema_editor.execute(
            schema_editor._create_like_index_sql(model, model._meta.get_field(column))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("parties", "0003_party_current_relationship"),
    ]

    operations = [
        migrations.AlterField(
            model_name="activity",
            name="party",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="activities",
                to="parties.party",
            ),
        ),
        migrations.RunPython(drop_like_indexes, create_like_indexes),
    ]
