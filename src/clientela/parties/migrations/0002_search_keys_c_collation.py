"""Search and sort keys compare by code point on PostgreSQL, as they do on SQLite.

The directory's prefix search is an index range [term, bound) and its keyset cursor a
`>` comparison; both assume the column sorts in code-point order. SQLite's default BINARY
collation does; a PostgreSQL database created with a linguistic collation (en_US.UTF-8,
ICU) does not, and would miss or misorder names. The "C" collation is declared here only
on PostgreSQL (SQLite has no collation named "C"), so the model state is unchanged. A later
migration that alters one of these columns must declare the collation again.
"""

from django.db import migrations

_COLUMNS = [
    ("parties_party", "sort_key", 220),
    ("parties_party", "family_key", 200),
    ("parties_contactpoint", "normalized", 300),
]


def _collate(collation):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column, length in _COLUMNS:
            schema_editor.execute(
                f'ALTER TABLE "{table}" ALTER COLUMN "{column}" '
                f'TYPE varchar({length}) COLLATE "{collation}"'
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("parties", "0001_initial")]

    operations = [
        migrations.RunPython(_collate("C"), _collate("default")),
    ]
