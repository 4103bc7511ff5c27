import hashlib
import hmac
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils.module_loading import import_string

from accounts import audit
from accounts.audit import GENESIS, audit_record, audit_verify, entry_hash
from accounts.models import AuditEntry
from tests.conftest import AUDIT_TRUNCATE_TRIGGER, audit_guard_lifted


@pytest.fixture
def anchors(settings, tmp_path):
    settings.AUDIT_ANCHOR_PATH = str(tmp_path / "anchors.jsonl")
    return tmp_path / "anchors.jsonl"


def _sha256_chain(entries):
    """Re-seal rows the way someone without the key can: the plain hash of the same fields."""
    prev = GENESIS
    for entry in entries:
        entry.refresh_from_db()
        entry.prev_hash = prev
        entry.entry_hash = hashlib.sha256(_fields(entry)).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(
            prev_hash=entry.prev_hash, entry_hash=entry.entry_hash
        )
        prev = entry.entry_hash


def _fields(entry) -> bytes:
    return json.dumps(
        {
            "at": entry.at.isoformat(),
            "actor": entry.actor_ref,
            "district": entry.district_ref,
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "detail": entry.detail,
            "prev": entry.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode()


def test_chain_links_each_entry_to_the_previous(moderator):
    a = audit_record(
        action="conversation.view", actor=moderator, target_type="conversation", target_id=1
    )
    b = audit_record(action="review.release", actor=moderator, target_type="message", target_id=9)
    assert b.prev_hash == a.entry_hash
    assert a.district_ref == moderator.district_id
    assert audit_verify() is None


def test_the_chain_is_keyed_with_the_audit_key(moderator, settings):
    entry = audit_record(action="login.ok", actor=moderator)
    key = settings.AUDIT_HMAC_KEY.encode()
    assert entry.entry_hash == hmac.new(key, _fields(entry), hashlib.sha256).hexdigest()
    assert entry.entry_hash != hashlib.sha256(_fields(entry)).hexdigest()
    assert audit_verify() is None
    settings.AUDIT_HMAC_KEY = "another-key-" + "k" * 40
    broken = audit_verify()
    assert (broken.entry_id, broken.reason[:8]) == (entry.pk, "contents")


def test_development_key_is_derived_from_the_secret_key_with_its_own_label(settings):
    assert settings.AUDIT_HMAC_KEY not in ("", settings.SECRET_KEY)
    expected = hmac.new(
        settings.SECRET_KEY.encode(), b"trellis.accounts.audit.hmac-key", hashlib.sha256
    ).hexdigest()
    assert expected == settings.AUDIT_HMAC_KEY


def test_update_delete_and_truncate_of_audit_rows_are_refused(moderator):
    entry = audit_record(action="review.release", actor=moderator, target_id=9)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(detail={"tampered": True})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_ref=None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with connection.cursor() as cursor:
        # The test database lets TRUNCATE through for Django's flush (tests/conftest.py); this
        # test's transaction switches the refusal back on.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE accounts_auditentry ENABLE TRIGGER {AUDIT_TRUNCATE_TRIGGER}")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE accounts_auditentry")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.detail, stored.actor_ref, stored.entry_hash) == (
        {},
        moderator.pk,
        entry.entry_hash,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege('public', 'accounts_auditentry', 'UPDATE'),"
            " has_table_privilege('public', 'accounts_auditentry', 'DELETE'),"
            " has_table_privilege('public', 'accounts_auditentry', 'TRUNCATE')"
        )
        assert cursor.fetchone() == (False, False, False)


def test_deleting_an_account_unlinks_its_entries_and_the_chain_still_verifies(make_user, district):
    person = make_user("mentor", district, cleared=False)
    entry = audit_record(action="login.ok", actor=person)
    person.delete()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.actor_ref) == (None, entry.actor_ref)
    assert audit_verify() is None


def test_verifier_names_the_first_edited_entry(moderator):
    entries = [audit_record(action=f"a{i}", actor=moderator) for i in range(4)]
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=entries[2].pk).update(detail={"tampered": True})
    broken = audit_verify()
    assert broken is not None
    assert broken.entry_id == entries[2].pk
    with pytest.raises(CommandError, match=f"entry {entries[2].pk}"):
        call_command("audit_verify")


def test_verifier_catches_a_deleted_entry(moderator):
    entries = [audit_record(action=f"a{i}", actor=moderator) for i in range(3)]
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=entries[1].pk).delete()
    assert audit_verify().entry_id == entries[2].pk


def test_a_rewritten_row_with_the_chain_recomputed_without_the_key_is_caught(moderator, anchors):
    entries = [audit_record(action=f"a{i}", actor=moderator) for i in range(4)]
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=entries[1].pk).update(detail={"rewritten": True})
        _sha256_chain(entries)
    broken = audit_verify()
    assert (broken.entry_id, broken.reason[:8]) == (entries[0].pk, "contents")
    with pytest.raises(CommandError, match=f"broken at entry {entries[0].pk}: contents"):
        call_command("audit_verify")


def test_the_anchor_job_appends_the_latest_entry_to_the_file_and_the_log(
    moderator, anchors, caplog
):
    assert audit.audit_anchor_export() is None  # an empty log has nothing to anchor
    assert not anchors.exists()
    first = audit_record(action="a0", actor=moderator)
    caplog.set_level("INFO", logger="accounts.audit")
    audit.audit_anchor_export()
    second = audit_record(action="a1", actor=moderator)
    anchor = audit.audit_anchor_export()
    assert (anchor["id"], anchor["hmac"]) == (second.pk, second.entry_hash)
    lines = [json.loads(line) for line in anchors.read_text().splitlines()]
    assert [(a["id"], a["hmac"]) for a in lines] == [
        (first.pk, first.entry_hash),
        (second.pk, second.entry_hash),
    ]
    assert all(set(a) == {"id", "hmac", "at"} for a in lines)
    logged = [r.getMessage() for r in caplog.records if r.name == "accounts.audit"]
    assert logged == [
        f"audit anchor id={first.pk} hmac={first.entry_hash}",
        f"audit anchor id={second.pk} hmac={second.entry_hash}",
    ]


def test_the_anchor_job_is_a_periodic_job(settings):
    jobs = {name: path for name, path, _ in settings.TRELLIS_PERIODIC}
    assert import_string(jobs["audit-anchor"]) is audit.audit_anchor_export


def test_deleting_the_newest_rows_is_caught_against_the_anchor(moderator, anchors, capsys):
    entries = [audit_record(action=f"a{i}", actor=moderator) for i in range(4)]
    audit.audit_anchor_export()
    call_command("audit_verify")
    assert (
        f"Audit chain intact (4 entries); it matches the latest anchor (entry {entries[3].pk}"
        in capsys.readouterr().out
    )
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk__gte=entries[2].pk).delete()
    assert audit_verify() is None  # the rest of the chain alone cannot tell
    with pytest.raises(
        CommandError, match=f"entry {entries[3].pk} named by the latest anchor is missing"
    ):
        call_command("audit_verify")


def test_a_rewritten_anchored_row_is_caught(moderator, anchors, settings):
    entries = [audit_record(action=f"a{i}", actor=moderator) for i in range(2)]
    audit.audit_anchor_export()
    # Even with the key (an insider), rewriting the anchored row changes its HMAC.
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=entries[1].pk).update(detail={"rewritten": True})
        entry = AuditEntry.objects.get(pk=entries[1].pk)
        AuditEntry.objects.filter(pk=entry.pk).update(entry_hash=entry_hash(entry))
    assert audit_verify() is None
    with pytest.raises(
        CommandError, match=f"entry {entries[1].pk} does not match the latest anchor"
    ):
        call_command("audit_verify")


def test_entries_after_the_anchor_pass_and_an_anchor_from_the_log_can_be_given(
    moderator, anchors, capsys
):
    first = audit_record(action="a0", actor=moderator)
    audit.audit_anchor_export()
    audit_record(action="a1", actor=moderator)
    call_command("audit_verify")
    call_command("audit_verify", anchor=f"{first.pk}:{first.entry_hash}")
    assert capsys.readouterr().out.count(f"matches the latest anchor (entry {first.pk}") == 2
    with pytest.raises(CommandError, match=f"entry {first.pk} does not match"):
        call_command("audit_verify", anchor=f"{first.pk}:{'0' * 64}")


def test_without_an_anchor_the_command_warns_and_can_be_made_to_fail(moderator, anchors, capsys):
    audit_record(action="login.ok", actor=moderator)
    call_command("audit_verify")
    captured = capsys.readouterr()
    assert "intact (1 entries)" in captured.out
    assert "No audit anchor" in captured.err
    with pytest.raises(CommandError, match="No audit anchor"):
        call_command("audit_verify", require_anchor=True)


def test_a_damaged_anchor_file_fails_the_command(moderator, anchors):
    audit_record(action="login.ok", actor=moderator)
    anchors.write_text('{"id": 1, "hmac": \n')
    with pytest.raises(CommandError, match="line 1"):
        call_command("audit_verify")


def test_a_legacy_unkeyed_chain_is_checked_then_resealed_with_the_key(moderator):
    entries = [audit_record(action=f"a{i}", actor=moderator) for i in range(3)]
    legacy = list(AuditEntry.objects.order_by("pk"))
    with audit_guard_lifted():
        _sha256_chain(legacy)
    legacy = list(AuditEntry.objects.order_by("pk"))
    assert audit_verify() is not None
    resealed = audit.audit_rekey_legacy(legacy)
    assert [e.pk for e in resealed] == [e.pk for e in entries]
    assert audit_verify(resealed) is None
    assert [e.entry_hash for e in resealed] == [e.entry_hash for e in entries]
    legacy = list(AuditEntry.objects.order_by("pk"))  # still unkeyed: nothing was saved
    legacy[1].detail = {"tampered": True}
    with pytest.raises(ValueError, match=f"entry {legacy[1].pk}"):
        audit.audit_rekey_legacy(legacy)
