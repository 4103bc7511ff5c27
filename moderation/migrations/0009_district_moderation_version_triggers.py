"""Every write to a district's moderation settings or keyword rules moves the district's
`moderation_version` (accounts 0010), in the writing transaction, whoever writes: the services,
the admin, a queryset update, a data migration or an SQL console. The send path caches a
district's settings per process until that number moves (moderation.district_settings)."""

from django.db import migrations

TABLES = ("moderation_districtmoderation", "moderation_keywordrule")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION moderation_district_version_bump() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE accounts_district SET moderation_version = moderation_version + 1
        WHERE id = OLD.district_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.district_id IS DISTINCT FROM OLD.district_id)
    THEN
        UPDATE accounts_district SET moderation_version = moderation_version + 1
        WHERE id = NEW.district_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION moderation_district_version_bump()"
            )
    elif vendor == "sqlite":
        bump = "UPDATE accounts_district SET moderation_version = moderation_version + 1"
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_version_insert AFTER INSERT ON {table} "
                f"BEGIN {bump} WHERE id = NEW.district_id; END"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_version_update AFTER UPDATE ON {table} "
                f"BEGIN {bump} WHERE id IN (OLD.district_id, NEW.district_id); END"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_version_delete AFTER DELETE ON {table} "
                f"BEGIN {bump} WHERE id = OLD.district_id; END"
            )
    else:  # pragma: no cover - another database
        raise NotImplementedError(f"no version triggers for {vendor}")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS moderation_district_version_bump()")
    elif vendor == "sqlite":
        for table in TABLES:
            for when in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_version_{when}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_district_moderation_version"),
        ("moderation", "0008_reviewitem_source_rate_limit"),
    ]

    operations = [migrations.RunPython(install, remove)]
