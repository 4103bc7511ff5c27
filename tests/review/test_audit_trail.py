"""The audit trail through real staff actions: who did what, when; the chain verifies; the CLI
names the first edited or removed row."""

import pytest
from django.core.management import CommandError, call_command

from accounts.audit import audit_verify
from accounts.models import AuditEntry
from tests.conftest import audit_guard_lifted

from .conftest import login


def run_a_shift(client, make_item, moderator, conversation):
    """Returns the item and the last audit entry's id before the staff member started."""
    item = make_item(priority="urgent")
    login(client, moderator)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    client.post(f"/staff/items/{item.pk}/claim/", {})
    client.post(f"/staff/items/{item.pk}/note/", {"reason": "Looked at context"})
    client.post(f"/staff/items/{item.pk}/release/", {"reason": "School's phone"})
    client.get(f"/staff/conversations/{conversation.pk}/")
    return item, before


def test_staff_actions_land_in_the_log_in_order_and_the_chain_verifies(
    client, make_item, moderator, conversation, capsys
):
    item, before = run_a_shift(client, make_item, moderator, conversation)
    opened = AuditEntry.objects.get(action="review.open", target_id=str(item.pk))
    assert (opened.actor_ref, opened.district_ref) == (None, conversation.district_id)
    rows = list(AuditEntry.objects.filter(pk__gt=before).order_by("pk"))
    assert [(r.action, r.actor_ref) for r in rows] == [
        ("review.claim", moderator.pk),
        ("review.note", moderator.pk),
        ("review.release", moderator.pk),
        ("conversation.view", moderator.pk),
    ]
    assert all(r.district_ref == conversation.district_id for r in rows)
    assert [r.target_id for r in rows[:3]] == [str(item.pk)] * 3
    assert [r.at for r in rows] == sorted(r.at for r in rows)
    assert audit_verify() is None
    call_command("audit_verify")
    assert f"Audit chain intact ({AuditEntry.objects.count()} entries)." in capsys.readouterr().out


def test_the_cli_names_an_edited_action_row(client, make_item, moderator, conversation):
    run_a_shift(client, make_item, moderator, conversation)
    release = AuditEntry.objects.get(action="review.release")
    # Someone rewrites history: the release is attributed to nobody.
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=release.pk).update(actor_ref=None)
    with pytest.raises(CommandError, match=f"broken at entry {release.pk}: contents"):
        call_command("audit_verify")


def test_the_cli_names_the_row_after_a_removed_one(client, make_item, moderator, conversation):
    run_a_shift(client, make_item, moderator, conversation)
    note = AuditEntry.objects.get(action="review.note")
    following = AuditEntry.objects.filter(pk__gt=note.pk).order_by("pk").first()
    with audit_guard_lifted():
        AuditEntry.objects.filter(pk=note.pk).delete()
    with pytest.raises(CommandError, match=f"broken at entry {following.pk}: previous-hash"):
        call_command("audit_verify")
