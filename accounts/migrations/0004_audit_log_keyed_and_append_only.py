"""The audit log is keyed (HMAC-SHA256 with settings.AUDIT_HMAC_KEY) and, on PostgreSQL, append-only.

1. Re-seal the existing unkeyed chain with the key, after checking it (a broken chain stops the
   migration, naming the entry: accounts.audit.audit_rekey_legacy).
2. On PostgreSQL only: a trigger that refuses UPDATE and DELETE of any row and TRUNCATE of the
   table, even for a superuser or the table's owner (they would have to ALTER TABLE ... DISABLE
   TRIGGER first), and REVOKE UPDATE, DELETE, TRUNCATE from PUBLIC. One UPDATE is let through:
   setting actor_id or district_id to NULL and nothing else, which is what deleting an account or a
   district does (on_delete=SET_NULL). Those columns are outside the HMAC (actor_ref and
   district_ref keep the ids), so the chain still verifies. docs/security.md has the recipe for a
   separate application role with only SELECT and INSERT.
"""

from django.db import migrations

from accounts.audit import audit_rekey_legacy

GUARD_FUNCTION = "accounts_auditentry_guard"
GUARD_TRIGGER = "accounts_auditentry_append_only"
TRUNCATE_TRIGGER = "accounts_auditentry_no_truncate"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {GUARD_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- Deleting an account or a district unlinks its entries (SET_NULL); nothing else changes.
        IF (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
           AND (NEW.district_id IS NULL OR NEW.district_id = OLD.district_id)
           AND (to_jsonb(NEW) - 'actor_id' - 'district_id')
               = (to_jsonb(OLD) - 'actor_id' - 'district_id') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'accounts_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The audit log is only ever inserted into (docs/security.md, Audit log).';
END
$$;
CREATE TRIGGER {GUARD_TRIGGER} BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION {GUARD_FUNCTION}();
CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON accounts_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION {GUARD_FUNCTION}();
REVOKE UPDATE, DELETE, TRUNCATE ON accounts_auditentry FROM PUBLIC;
"""

UNINSTALL = f"""
DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON accounts_auditentry;
DROP TRIGGER IF EXISTS {GUARD_TRIGGER} ON accounts_auditentry;
DROP FUNCTION IF EXISTS {GUARD_FUNCTION}();
"""


def rekey(apps, schema_editor):
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    entries = list(AuditEntry.objects.using(schema_editor.connection.alias).order_by("pk"))
    for entry in audit_rekey_legacy(entries):
        entry.save(update_fields=["prev_hash", "entry_hash"])


def install_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def uninstall_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sessions_and_sign_in_failures"),
    ]

    operations = [
        # Going back leaves the keyed hashes: the previous release's verifier would report them.
        migrations.RunPython(rekey, migrations.RunPython.noop),
        migrations.RunPython(install_guard, uninstall_guard),
    ]
