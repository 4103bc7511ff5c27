"""Every way onto the queue goes through moderation's one `review_item_create`: the rank follows
the priority, one audit entry names the source, one `review.item` reaches the district's staff
after commit (and `review.urgent` for urgent items), and no other module creates the rows."""

import ast
import datetime
import pathlib

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from actions.messages import rate_limit_offender_record
from messaging.realtime import staff_group
from moderation.conversation_risk import Contribution, Risk
from moderation.models import PRIORITY_RANK, Action, ModerationRecord, Priority, ReviewItem
from moderation.reports import help_request_create, report_create
from moderation.review.items import review_item_create, review_item_open, review_pattern_record

from .conftest import moderate, send

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Our packages outside the test suite (tests build rows by hand to test constraints and purges).
PRODUCT_PACKAGES = ("accounts", "messaging", "scheduling", "moderation", "programs", "actions")
PRODUCT_PACKAGES += ("frontend", "config", "bench", "testkit")
OWNER = "moderation/review/items.py"


def opened(item, events, *, audit_action, actor=None):
    """The item's one audit entry and the staff events about it, checked to be exactly one
    `review.item` (plus one `review.urgent` when urgent); returns (entry, review.item event)."""
    (entry,) = AuditEntry.objects.filter(target_type="review_item", target_id=str(item.pk))
    assert (entry.action, entry.actor_ref, entry.district_ref) == (
        audit_action,
        actor.pk if actor else None,
        item.district_id,
    )
    assert entry.detail["source"] == item.source
    assert (entry.detail["priority"], entry.detail["categories"]) == (
        item.priority,
        item.categories,
    )
    staff = [e for g, e in events if g == staff_group(item.district_id)]
    new = [e for e in staff if e["type"] == "review.item"]
    assert [e["item"]["id"] for e in new] == [item.pk]
    urgent = [e["item"]["id"] for e in staff if e["type"] == "review.urgent"]
    assert urgent == ([item.pk] if item.priority == Priority.URGENT else [])
    return entry, new[0]


@pytest.mark.parametrize("priority", list(Priority))
def test_the_rank_follows_the_priority(
    conversation, priority, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = review_item_create(
            conversation=conversation,
            source=ReviewItem.Source.REPORT,
            priority=priority,
            categories=["report"],
        )
    item.refresh_from_db()
    assert (item.priority, item.priority_rank) == (priority, PRIORITY_RANK[priority])
    assert item.district_id == conversation.district_id
    opened(item, events, audit_action="review.open")


def test_a_flagged_message_opens_a_pipeline_item_once(
    conversation, mentor, events, django_capture_on_commit_callbacks
):
    message = send(mentor, conversation, "see you at the library")
    del events[:]
    with django_capture_on_commit_callbacks(execute=True):
        item = moderate(message, action=Action.FLAG, priority="high")
    assert (item.source, item.priority_rank, item.message_id) == ("pipeline", 2, message.pk)
    entry, event = opened(item, events, audit_action="review.open")
    assert (entry.detail["message"], entry.detail["verdict"]) == (message.pk, "flag")
    assert event["action"] == "flag"


def test_a_retried_pipeline_item_is_not_opened_twice(
    conversation, mentor, events, django_capture_on_commit_callbacks
):
    message = send(mentor, conversation, "see you at the library")
    item = moderate(message, action=Action.HOLD, priority="normal")
    del events[:]
    with django_capture_on_commit_callbacks(execute=True):
        again = review_item_open(
            message=message, verdict=ModerationRecord.objects.get(message=message)
        )
    assert again.pk == item.pk
    assert ReviewItem.objects.filter(message=message).count() == 1
    assert AuditEntry.objects.filter(target_type="review_item", target_id=str(item.pk)).count() == 1
    assert events == []


def test_a_students_report_opens_a_high_report_item(
    conversation, mentor, student, events, django_capture_on_commit_callbacks
):
    message = send(mentor, conversation, "see you next week")
    del events[:]
    with django_capture_on_commit_callbacks(execute=True):
        report = report_create(
            reporter=student, conversation_id=conversation.pk, message_id=message.pk, reason="odd"
        )
    item = report.item
    assert (item.source, item.priority, item.priority_rank, item.reported_by_id) == (
        "report",
        "high",
        2,
        student.pk,
    )
    entry, event = opened(item, events, audit_action="report.create", actor=student)
    assert (entry.detail["subject"], entry.detail["paused_match"]) == (mentor.pk, True)
    assert "odd" not in str(entry.detail)
    assert event["action"] == "report"


def test_a_mentors_report_opens_a_normal_report_item(
    conversation, mentor, student, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_create(
            reporter=mentor, conversation_id=conversation.pk, subject_id=student.pk, reason="x"
        )
    assert (report.item.priority, report.item.priority_rank) == ("normal", 1)
    entry, _ = opened(report.item, events, audit_action="report.create", actor=mentor)
    assert entry.detail["paused_match"] is False


def test_a_students_help_request_opens_an_urgent_item(
    conversation, student, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = help_request_create(
            reporter=student, conversation_id=conversation.pk, reason="things at home"
        )
    item = report.item
    assert (item.source, item.priority, item.priority_rank, item.categories) == (
        "report",
        "urgent",
        3,
        ["help"],
    )
    entry, event = opened(item, events, audit_action="report.help", actor=student)
    assert "things at home" not in str(entry.detail)
    assert event["action"] == "report"


def test_a_conversation_pattern_opens_a_high_pattern_item(
    conversation, mentor, events, django_capture_on_commit_callbacks
):
    message = send(mentor, conversation, "is anyone else reading this?")
    del events[:]
    contribution = Contribution(
        message_id=message.pk,
        at=timezone.now() - datetime.timedelta(hours=1),
        family="secrecy",
        signal="who_reads",
        weight=1.0,
        score=3.2,
    )
    risk = Risk(
        score=3.2,
        threshold=3.0,
        reached=True,
        sender_id=mentor.pk,
        families={"secrecy": 3.2},
        contributions=(contribution,),
    )
    with django_capture_on_commit_callbacks(execute=True):
        item = review_pattern_record(conversation_id=conversation.pk, risk=risk, window_days=14)
    assert (item.source, item.priority, item.priority_rank, item.message_id) == (
        "pattern",
        "high",
        2,
        None,
    )
    assert item.pattern["sender"] == mentor.pk
    entry, event = opened(item, events, audit_action="review.open")
    assert (entry.detail["score"], entry.detail["messages"]) == (3.2, [message.pk])
    assert event["action"] == "pattern"


def test_a_flooding_sender_opens_a_rate_limit_item(
    conversation, mentor, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rate_limit_offender_record(user=mentor, refused=20, conversation_id=conversation.pk)
    item = ReviewItem.objects.get(conversation=conversation)
    assert (item.source, item.priority, item.priority_rank, item.categories) == (
        "rate_limit",
        "normal",
        1,
        ["rate_limit"],
    )
    entry, event = opened(item, events, audit_action="review.open")
    assert (entry.detail["user"], entry.detail["refused"]) == (mentor.pk, 20)
    assert event["action"] == "rate_limit"
    assert AuditEntry.objects.filter(action="messaging.rate_limit_disconnect").count() == 1


def _creates_review_items(tree: ast.AST) -> list[int]:
    """Lines that create ReviewItem rows: `ReviewItem(...)`, `ReviewItem.objects.create(...)` (or
    get_or_create, update_or_create, bulk_create), or a related manager's `.review_items.create`."""
    makers = {"create", "get_or_create", "update_or_create", "bulk_create"}
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = ast.unparse(node.func).split(".")
        constructs = called[-1] == "ReviewItem"
        manager = called[-1] in makers and len(called) > 1
        through_model = manager and called[-2:-1] == ["objects"] and called[-3:-2] == ["ReviewItem"]
        through_relation = manager and called[-2] == "review_items"
        if constructs or through_model or through_relation:
            lines.append(node.lineno)
    return sorted(lines)


def test_the_check_sees_every_way_of_creating_a_row():
    source = """
ReviewItem.objects.create(a=1)
models.ReviewItem.objects.get_or_create(a=1)
ReviewItem.objects.bulk_create([ReviewItem(a=1)])
conversation.review_items.create(a=1)
ReviewItem.objects.filter(a=1)
Report.objects.create(a=1)
"""
    assert _creates_review_items(ast.parse(source)) == [2, 3, 4, 4, 5]


def test_only_the_review_domain_creates_review_items():
    offenders = []
    owner_sites = []
    for package in PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            lines = _creates_review_items(ast.parse(path.read_text(), filename=relative))
            if relative == OWNER:
                owner_sites.extend(lines)
            else:
                offenders.extend(f"{relative}:{line}" for line in lines)
    assert offenders == [], "create review items through review_item_create"
    assert len(owner_sites) == 1
