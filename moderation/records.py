"""A student's complete record for a records request: profile, consents, matches, messages with
their moderation history, reports and any meetings, as JSON or CSV.

Exported only by a coordinator of the student's district (moderation.access.
access_student_as_coordinator); every export is audited.

The record is the student's, not their classmates': in a group conversation it holds the student's
own messages and what was said to them (adults' messages and program messages). Another student
appears only under a label ("Student 1", the same all through one export), never by id or name;
their messages appear as placeholders (when, where in the conversation; no text, no moderation
state, verdict or review) and only when they were delivered to the student. Reports keep the
student's own words; a classmate's report about the student keeps its review but not its reason
(the classmate's words), and the review of a report the student made about a classmate (a
proceeding about that classmate) is left out. Reviews of the student's or adults' messages that a
classmate started by a report are left out too.
"""

import csv
import io
import json

from django.db.models import Q

from accounts.audit import audit_record
from accounts.models import User
from messaging.models import Conversation, Match, MatchEvent, Message
from scheduling.models import Attendance, Meeting, Rsvp

from .models import ModerationRecord, Report, ReviewAction, ReviewItem


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


class _Classmates:
    """Stable pseudonymous labels for the other students in one export."""

    def __init__(self, student: User) -> None:
        self.student = student
        self.labels: dict[int, str] = {}
        self.others: set[int] = set()
        self.students = set(
            User.objects.filter(
                role=User.Role.STUDENT, memberships__conversation__memberships__user=student
            )
            .exclude(pk=student.pk)
            .values_list("pk", flat=True)
        )

    def is_classmate(self, user_id: int | None) -> bool:
        if user_id is None or user_id == self.student.pk:
            return False
        if user_id in self.students:
            return True
        if user_id in self.others:
            return False
        # Someone outside the shared conversations (staff, or a reporter who has left).
        found = User.objects.filter(pk=user_id, role=User.Role.STUDENT).exists()
        (self.students if found else self.others).add(user_id)
        return found

    def person(self, user_id: int | None) -> int | str | None:
        """The id of the student or an adult; a label for another student."""
        if not self.is_classmate(user_id):
            return user_id
        if user_id not in self.labels:
            self.labels[user_id] = f"Student {len(self.labels) + 1}"
        return self.labels[user_id]


def _meetings(
    student: User, conversations: list[Conversation], classmates: _Classmates
) -> list[dict]:
    """In-person meetings of the student's conversations, with the student's RSVP and attendance."""
    rsvps = {r.meeting_id: r for r in Rsvp.objects.filter(user=student)}
    attendance = {a.meeting_id: a for a in Attendance.objects.filter(user=student)}
    rows = []
    for meeting in Meeting.objects.filter(conversation__in=conversations).order_by("starts_at"):
        rsvp, present = rsvps.get(meeting.pk), attendance.get(meeting.pk)
        rows.append(
            {
                "id": meeting.pk,
                "conversation": meeting.conversation_id,
                "venue": meeting.venue_id,
                "starts_at": _iso(meeting.starts_at),
                "ends_at": _iso(meeting.ends_at),
                "status": meeting.status,
                "rsvp": rsvp.response if rsvp else None,
                "present": present.present if present else None,
                "attendance_recorded_by": classmates.person(present.recorded_by_id)
                if present
                else None,
            }
        )
    return rows


def _classmate_message(msg: Message, classmates: _Classmates) -> dict:
    """Another student's message: where and when it was said, by a label, without its text."""
    return {
        "id": msg.pk,
        "conversation": msg.conversation_id,
        "seq": msg.seq,
        "sender": classmates.person(msg.sender_id),
        "kind": msg.kind,
        "body": None,
        "state": None,
        "created_at": _iso(msg.created_at),
        "verdict": None,
        "reviews": [],
    }


def student_record(*, student: User) -> dict:
    """The whole record as plain data (dates in ISO 8601, UTC)."""
    matches = list(Match.objects.filter(student=student).order_by("pk"))
    conversations = list(
        Conversation.objects.filter(memberships__user=student).order_by("pk").distinct()
    )
    classmates = _Classmates(student)
    # The student's own messages, adults' and program messages; classmates' only if delivered.
    messages = [
        msg
        for msg in Message.objects.filter(conversation__in=conversations)
        .select_related("sender")
        .order_by("conversation_id", "seq")
        if not classmates.is_classmate(msg.sender_id) or msg.is_visible_to_recipients
    ]
    verdicts = {v.message_id: v for v in ModerationRecord.objects.filter(message__in=messages)}
    items_by_message: dict[int, list[ReviewItem]] = {}
    items = ReviewItem.objects.filter(conversation__in=conversations).order_by("pk")
    for item in items:
        if item.reported_by_id is not None and classmates.is_classmate(item.reported_by_id):
            continue
        if item.message_id:
            items_by_message.setdefault(item.message_id, []).append(item)
    actions_by_item: dict[int, list[ReviewAction]] = {}
    for action in ReviewAction.objects.filter(item__in=items).order_by("at", "pk"):
        actions_by_item.setdefault(action.item_id, []).append(action)

    def item_data(item: ReviewItem) -> dict:
        return {
            "id": item.pk,
            "source": item.source,
            "priority": item.priority,
            "categories": item.categories,
            "status": item.status,
            "resolution": item.resolution,
            "created_at": _iso(item.created_at),
            "first_action_at": _iso(item.first_action_at),
            "resolved_at": _iso(item.resolved_at),
            "actions": [
                {
                    "kind": a.kind,
                    "by": classmates.person(a.actor_id),
                    "at": _iso(a.at),
                    "reason": a.reason,
                }
                for a in actions_by_item.get(item.pk, [])
            ],
        }

    return {
        "profile": {
            "id": student.pk,
            "username": student.username,
            "display_name": student.display_name,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "email": student.email,
            "district": student.district_id,
            "is_minor": student.is_minor,
            "is_active": student.is_active,
            "date_joined": _iso(student.date_joined),
        },
        "consents": [
            {
                "id": c.pk,
                "guardian_name": c.guardian_name,
                "relationship": c.relationship,
                "recorded_by": c.recorded_by_id,
                "recorded_at": _iso(c.recorded_at),
                "revoked_at": _iso(c.revoked_at),
            }
            for c in student.consents.order_by("recorded_at", "pk")
        ],
        "matches": [
            {
                "id": m.pk,
                "program": m.program_id,
                "mentor": m.mentor_id,
                "status": m.status,
                "created_at": _iso(m.created_at),
                "closed_at": _iso(m.closed_at),
                "history": [
                    {
                        "from": e.from_status,
                        "to": e.to_status,
                        "reason": e.reason,
                        "by": classmates.person(e.actor_id),
                        "at": _iso(e.at),
                    }
                    for e in MatchEvent.objects.filter(match=m).order_by("at", "pk")
                ],
            }
            for m in matches
        ],
        "messages": [
            _classmate_message(msg, classmates)
            if classmates.is_classmate(msg.sender_id)
            else {
                "id": msg.pk,
                "conversation": msg.conversation_id,
                "seq": msg.seq,
                "sender": msg.sender_id,
                "kind": msg.kind,
                "body": msg.body,
                "state": msg.state,
                "created_at": _iso(msg.created_at),
                "verdict": {
                    "action": verdicts[msg.pk].action,
                    "categories": verdicts[msg.pk].categories,
                    "priority": verdicts[msg.pk].priority,
                    "reasons": verdicts[msg.pk].reasons,
                    "scores": verdicts[msg.pk].scores,
                }
                if msg.pk in verdicts
                else None,
                "reviews": [item_data(i) for i in items_by_message.get(msg.pk, [])],
            }
            for msg in messages
        ],
        "reports": [
            {
                "id": r.pk,
                "by": classmates.person(r.reporter_id),
                "conversation": r.conversation_id,
                "message": r.message_id,
                "subject": classmates.person(r.subject_id),
                "reason": None if classmates.is_classmate(r.reporter_id) else r.reason,
                "created_at": _iso(r.created_at),
                "review": None if classmates.is_classmate(r.subject_id) else item_data(r.item),
            }
            for r in Report.objects.filter(Q(reporter=student) | Q(subject=student))
            .select_related("item")
            .order_by("pk")
        ],
        "meetings": _meetings(student, conversations, classmates),
    }


CSV_COLUMNS = ["section", "id", "at", "field", "value"]


def student_record_csv(record: dict) -> str:
    """The record as one long CSV table: a row per (section, id, field). Nested values are JSON.

    Cells that a spreadsheet would run as a formula are prefixed with a quote.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)

    def cell(value) -> str:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
            text = "'" + text
        return text

    def rows(section: str, obj: dict) -> None:
        at = (
            obj.get("created_at")
            or obj.get("recorded_at")
            or obj.get("starts_at")
            or obj.get("date_joined")
            or ""
        )
        for key, value in obj.items():
            writer.writerow([section, obj.get("id", ""), at, key, cell(value)])

    rows("profile", record["profile"])
    for section in ("consents", "matches", "messages", "reports", "meetings"):
        for obj in record[section]:
            rows(section, obj)
    return out.getvalue()


def student_record_export(*, actor: User, student: User, fmt: str) -> tuple[str, str]:
    """The record rendered as `fmt` ("json" or "csv") and its content type; audited."""
    if fmt not in ("json", "csv"):
        raise ValueError("format must be json or csv")
    record = student_record(student=student)
    audit_record(
        action="record.export",
        actor=actor,
        district_id=student.district_id,
        target_type="student",
        target_id=student.pk,
        detail={"format": fmt, "messages": len(record["messages"])},
    )
    if fmt == "json":
        return json.dumps(record, ensure_ascii=False, indent=2), "application/json"
    return student_record_csv(record), "text/csv; charset=utf-8"
