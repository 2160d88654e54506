"""The activity table is the hottest insert path (batch ingestion): drop the indexes no
query uses. The index on party alone is covered by `activity_party_time` (party first);
on PostgreSQL, Django also makes `varchar_pattern_ops` indexes for the unique `public_id`
and `external_id`, which only serve `LIKE 'prefix%'` searches, which nothing runs on these
random ids and idempotency keys (their unique indexes serve every lookup).

The party index is dropped by name rather than by AlterField, which on SQLite would copy
the whole table."""

import django.db.models.deletion
from django.db import migrations, models

_TABLE = "activities_activity"
_LIKE_INDEXED = ("public_id", "external_id")


def _indexes(schema_editor) -> list[str]:
    names = [schema_editor._create_index_name(_TABLE, ["party_id"])]
    if schema_editor.connection.vendor == "postgresql":
        names += [
            schema_editor._create_index_name(_TABLE, [column], suffix="_like")
            for column in _LIKE_INDEXED
        ]
    return names


def drop_indexes(apps, schema_editor):
    model = apps.get_model("activities", "Activity")
    for name in _indexes(schema_editor):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_indexes(apps, schema_editor):
    model = apps.get_model("activities", "Activity")
    party = model._meta.get_field("party")
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[party]))
    if schema_editor.connection.vendor == "postgresql":
        for column in _LIKE_INDEXED:
            field = model._meta.get_field(column)
            schema_editor.execute(schema_editor._create_like_index_sql(model, field))


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("parties", "0003_party_current_relationship"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
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
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
    ]
