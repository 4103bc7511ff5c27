"""Urgent items nobody acts on within the district's limit are escalated again, once per limit
interval, by an idempotent job (the periodic `urgent-reescalation`, or the management command)."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEntry, User
from messaging import realtime
from moderation.models import ReviewAction, SafeguardingAlert
from moderation.review.actions import review_claim
from moderation.review.escalation import review_escalate_stale


def age(item, minutes):
    type(item).objects.filter(pk=item.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    item.refresh_from_db()


def test_a_stale_urgent_item_is_escalated_again_and_again_counting_each_time(
    make_item,
    district,
    make_user,
    events,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    lead = make_user(User.Role.COORDINATOR, district, email="lead@example.org")
    district.safeguarding_lead = lead
    district.urgent_sla_minutes = 15
    district.save()
    item = make_item(priority="urgent")
    fresh_urgent = make_item("newer", priority="urgent")
    stale_high = make_item("high", priority="high")
    age(item, 16)
    age(stale_high, 600)
    now = timezone.now()
    events.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert review_escalate_stale(now=now) == [item.pk]
    item.refresh_from_db()
    assert (item.escalation_count, item.last_escalated_at) == (1, now)
    assert item.first_action_at is None  # the job is not a staff action
    alert = SafeguardingAlert.objects.get()
    assert (alert.recipient_id, alert.repeat, alert.raised_by_id) == (lead.pk, True, None)
    assert [m.to for m in mailoutbox] == [["lead@example.org"]]
    assert (realtime.user_group(lead.pk), "safeguarding.alert") in [
        (g, e["type"]) for g, e in events
    ]
    escalated = [e for _, e in events if e["type"] == "review.escalated"]
    assert [(e["item"]["id"], e["repeat"]) for e in escalated] == [(item.pk, True)]

    # Running again at once (a second worker, a retried job) changes nothing.
    assert review_escalate_stale(now=now + datetime.timedelta(minutes=1)) == []
    fresh_urgent.refresh_from_db()
    assert fresh_urgent.escalation_count == 0
    # A full limit later it is escalated again, and counted (the newer one is now stale too).
    assert review_escalate_stale(now=now + datetime.timedelta(minutes=15)) == [
        item.pk,
        fresh_urgent.pk,
    ]
    item.refresh_from_db()
    assert item.escalation_count == 2
    assert SafeguardingAlert.objects.filter(item=item).count() == 2
    assert list(ReviewAction.objects.filter(item=item).values_list("kind", "actor_id")) == [
        ("reescalate", None),
        ("reescalate", None),
    ]
    assert (
        AuditEntry.objects.filter(action="review.reescalate", target_id=str(item.pk)).count() == 2
    )
    stale_high.refresh_from_db()
    assert stale_high.escalation_count == 0


def test_an_item_someone_acted_on_is_not_escalated_again(make_item, moderator, district):
    item = make_item(priority="urgent")
    age(item, district.urgent_sla_minutes + 5)
    review_claim(item=item, actor=moderator)
    assert review_escalate_stale() == []
    item.refresh_from_db()
    assert item.escalation_count == 0
    assert not SafeguardingAlert.objects.exists()


def test_each_district_uses_its_own_limit(make_item, district, foreign_item):
    district.urgent_sla_minutes = 60
    district.save()
    mine = make_item(priority="urgent")
    type(foreign_item).objects.filter(pk=foreign_item.pk).update(priority="urgent", priority_rank=3)
    age(mine, 30)
    age(foreign_item, 30)  # the other district keeps the default 15-minute limit
    assert review_escalate_stale() == [foreign_item.pk]


def test_the_command_runs_the_same_job(make_item, district, capsys):
    item = make_item(priority="urgent")
    age(item, district.urgent_sla_minutes + 1)
    call_command("review_escalate_stale")
    assert f"Escalated again: 1 item(s) [{item.pk}]" in capsys.readouterr().out
    item.refresh_from_db()
    assert item.escalation_count == 1


def test_the_job_is_registered_with_the_periodic_engine(settings):
    assert ("urgent-reescalation", "moderation.review.escalation.review_escalate_stale", 60) in (
        settings.TRELLIS_PERIODIC
    )
