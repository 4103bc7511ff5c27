import pytest
from django.core.management import CommandError, call_command

from accounts.audit import audit_record, audit_verify
from accounts.models import AuditEntry


def test_chain_links_each_entry_to_the_previous(moderator):
    a = audit_record(
        action="conversation.view", actor=moderator, target_type="conversation", target_id=1
    )
    b = audit_record(action="review.release", actor=moderator, target_type="message", target_id=9)
    assert b.prev_hash == a.entry_hash
    assert a.district_ref == moderator.district_id
    assert audit_verify() is None


def test_verifier_names_the_first_edited_entry(moderator):
    entries = [audit_record(action=f"a{i}", actor=moderator) for i in range(4)]
    AuditEntry.objects.filter(pk=entries[2].pk).update(detail={"tampered": True})
    broken = audit_verify()
    assert broken is not None
    assert broken.entry_id == entries[2].pk
    with pytest.raises(CommandError, match=f"entry {entries[2].pk}"):
        call_command("audit_verify")


def test_verifier_catches_a_deleted_entry(moderator):
    entries = [audit_record(action=f"a{i}", actor=moderator) for i in range(3)]
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    assert audit_verify().entry_id == entries[2].pk


def test_intact_chain_passes_the_command(moderator, capsys):
    audit_record(action="login.ok", actor=moderator)
    call_command("audit_verify")
    assert "intact (1 entries)" in capsys.readouterr().out
