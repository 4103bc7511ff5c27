"""A student's complete record, exported by a coordinator of the student's district (audited)."""

import csv
import datetime
import io

from django.utils import timezone

from accounts.models import AuditEntry
from moderation.models import Action
from moderation.review import review_uphold
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
