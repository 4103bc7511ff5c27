"""A student's complete record, exported by a coordinator of the student's district (audited)."""

import csv
import datetime
import io
import json

from django.utils import timezone

from accounts.models import AuditEntry
from messaging import services as messaging
from moderation.models import Action
from moderation.records import student_record
from moderation.reports import report_create
from moderation.review.actions import review_uphold
from scheduling.models import Attendance, Meeting, Rsvp, Venue

from .conftest import login, moderate, send


def test_coordinator_exports_the_whole_record_as_json(
    client, conversation, mentor, student, coordinator, moderator, program
):
    hello = send(student, conversation, "hello mentor")
    flagged = send(mentor, conversation, "=cmd|' /C calc'!A0 text me 555 0100")
    item = moderate(
        flagged,
        action=Action.FLAG,
        reasons=[{"detector": "phone", "category": "contact_info", "span": [0, 3]}],
    )
    review_uphold(item=item, actor=moderator, reason="Contact details")
    venue = Venue.objects.create(school=program.school, name="Library", approved=True)
    start = timezone.now() + datetime.timedelta(days=2)
    meeting = Meeting.objects.create(
        conversation=conversation,
        venue=venue,
        local_date=start.date(),
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=45),
    )
    Rsvp.objects.create(meeting=meeting, user=student, response="yes")
    Attendance.objects.create(meeting=meeting, user=student, present=True, recorded_by=coordinator)

    login(client, coordinator)
    response = client.get(f"/staff/students/{student.pk}/record.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="student-{student.pk}.json"'
    record = response.json()
    assert record["profile"]["id"] == student.pk
    assert [c["guardian_name"] for c in record["consents"]] == ["Guardian"]
    assert [m["id"] for m in record["matches"]] == [conversation.match_id]
    assert [h["to"] for h in record["matches"][0]["history"]] == ["proposed", "active"]
    assert [m["id"] for m in record["messages"]] == [hello.pk, flagged.pk]
    assert record["messages"][1]["state"] == "rejected"
    assert record["messages"][1]["verdict"]["categories"] == ["contact_info"]
    reviews = record["messages"][1]["reviews"]
    assert [(r["id"], r["resolution"]) for r in reviews] == [(item.pk, "upheld")]
    assert [a["kind"] for a in reviews[0]["actions"]] == ["uphold"]
    assert record["meetings"] == [
        {
            "id": meeting.pk,
            "conversation": conversation.pk,
            "venue": venue.pk,
            "starts_at": meeting.starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
            "status": "scheduled",
            "rsvp": "yes",
            "present": True,
            "attendance_recorded_by": coordinator.pk,
        }
    ]
    entry = AuditEntry.objects.get(action="record.export")
    assert (entry.actor_ref, entry.target_id, entry.detail["format"]) == (
        coordinator.pk,
        str(student.pk),
        "json",
    )

    csv_response = client.get(f"/staff/students/{student.pk}/record.csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    assert rows[0] == ["section", "id", "at", "field", "value"]
    bodies = [r[4] for r in rows if r[0] == "messages" and r[3] == "body"]
    assert bodies == ["hello mentor", "'=cmd|' /C calc'!A0 text me 555 0100"]  # formula defused
    assert ["meetings", str(meeting.pk)] == next(
        r[:2] for r in rows if r[0] == "meetings" and r[3] == "present"
    )
    assert AuditEntry.objects.filter(action="record.export").count() == 2


def test_another_districts_coordinator_cannot_export(client, student, make_user, other_district):
    outsider = make_user("coordinator", other_district)
    login(client, outsider)
    assert client.get(f"/staff/students/{student.pk}/record.json").status_code == 404
    assert not AuditEntry.objects.filter(action="record.export").exists()
    assert AuditEntry.objects.filter(action="access.denied", actor_ref=outsider.pk).exists()


def test_only_students_records_are_exported(client, mentor, coordinator):
    login(client, coordinator)
    assert client.get(f"/staff/students/{mentor.pk}/record.json").status_code == 404
    assert client.get(f"/staff/students/{coordinator.pk}/record.xml").status_code == 404


def _people_in(value) -> list:
    """Every value under a key that names a person, anywhere in the record."""
    keys = {"sender", "by", "subject", "mentor", "recorded_by", "attendance_recorded_by"}
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in keys:
                found.append(inner)
            found.extend(_people_in(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(_people_in(inner))
    return found


def test_a_group_record_leaves_classmates_out(
    client, program, mentor, student, coordinator, make_user
):
    classmate = make_user(
        "student", program.school.district, display_name="Classmate Quill", first_name="Quill"
    )
    group = messaging.group_conversation_create(
        program=program, title="Robotics club", mentors=[mentor], students=[student, classmate]
    )
    prompt = messaging.system_message_post(
        conversation=group, key="prompt-1", body="What did you build this week?"
    ).message
    own = send(student, group, "I built a gearbox")
    theirs = send(classmate, group, "classmate words stay private")
    moderate(theirs, action=Action.FLAG, categories=["toxicity"])
    held = send(classmate, group, "classmate held words")
    moderate(held, action=Action.HOLD)
    reply = send(mentor, group, "Great work, both of you")
    # The student reports the classmate's message; the classmate reports the student.
    mine = report_create(
        reporter=student, conversation_id=group.pk, message_id=theirs.pk, reason="my report"
    )
    about_me = report_create(
        reporter=classmate, conversation_id=group.pk, subject_id=student.pk, reason="their report"
    )
    venue = Venue.objects.create(school=program.school, name="Lab", approved=True)
    start = timezone.now() + datetime.timedelta(days=1)
    meeting = Meeting.objects.create(
        conversation=group,
        venue=venue,
        local_date=start.date(),
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=45),
    )
    Rsvp.objects.create(meeting=meeting, user=classmate, response="no")
    Attendance.objects.create(
        meeting=meeting, user=classmate, present=False, recorded_by=coordinator
    )

    record = student_record(student=student)

    by_id = {m["id"]: m for m in record["messages"]}
    assert list(by_id) == [prompt.pk, own.pk, theirs.pk, reply.pk]  # the held one is not there
    assert (by_id[own.pk]["sender"], by_id[own.pk]["body"]) == (student.pk, "I built a gearbox")
    assert by_id[reply.pk]["sender"] == mentor.pk
    assert by_id[reply.pk]["body"] == "Great work, both of you"
    assert (by_id[prompt.pk]["sender"], by_id[prompt.pk]["kind"]) == (None, "system")
    assert by_id[prompt.pk]["body"] == "What did you build this week?"
    assert by_id[theirs.pk] == {
        "id": theirs.pk,
        "conversation": group.pk,
        "seq": theirs.seq,
        "sender": "Student 1",
        "kind": "user",
        "body": None,
        "state": None,
        "created_at": theirs.created_at.isoformat(),
        "verdict": None,
        "reviews": [],
    }
    reports = {r["id"]: r for r in record["reports"]}
    assert sorted(reports) == sorted([mine.pk, about_me.pk])
    assert (reports[mine.pk]["by"], reports[mine.pk]["subject"]) == (student.pk, "Student 1")
    assert reports[mine.pk]["reason"] == "my report"
    assert reports[mine.pk]["review"] is None  # the review of a classmate is theirs
    assert (reports[about_me.pk]["by"], reports[about_me.pk]["subject"]) == (
        "Student 1",
        student.pk,
    )
    assert reports[about_me.pk]["reason"] is None
    assert reports[about_me.pk]["review"]["id"] == about_me.item_id
    assert [(m["id"], m["rsvp"], m["present"]) for m in record["meetings"]] == [
        (meeting.pk, None, None)
    ]
    assert record["meetings"][0]["attendance_recorded_by"] is None
    assert classmate.pk not in _people_in(record)
    text = json.dumps(record, ensure_ascii=False)
    for leaked in (
        "classmate words",
        "classmate held",
        "their report",
        "Quill",
        classmate.username,
    ):
        assert leaked not in text

    login(client, coordinator)
    csv_text = client.get(f"/staff/students/{student.pk}/record.csv").content.decode()
    assert "classmate words" not in csv_text
    assert "Quill" not in csv_text
    assert "Student 1" in csv_text
