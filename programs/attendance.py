"""The district's school attendance, imported from a CSV file for program evaluation.

Optional: a Success-Mentors-style program compares its students' attendance before and after
their match started (programs.evaluation). The file is read with the stdlib `csv` module against
the schema below; one row is one student's day, or one student's week as day counts:

    student,date,status                      student,week,days_present,days_absent
    s-1001,2026-11-02,present                s-1001,2026-W45,4,1

`student` is the roster `sourcedId` or the username of a student of the district. `date` is
`YYYY-MM-DD`; `week` an ISO week (`YYYY-Www`) or the date of its Monday. A row keyed like an
earlier import (student, day or week) replaces it, so a re-run changes nothing. Any row error and
nothing is written; the errors read `attendance.csv:LINE: column='value': reason`.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import District, User

from .models import SchoolAttendance

FILE_NAME = "attendance.csv"
STATUSES = ("present", "absent")
MAX_BYTES = 16 * 1024 * 1024


@dataclass
class AttendanceReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False


class AttendanceRejected(Exception):
    def __init__(self, report: AttendanceReport):
        super().__init__(_("The file has row errors; nothing was imported."))
        self.report = report


def _error(line: int, column: str, value: str, reason: str) -> str:
    return f"{FILE_NAME}:{line}: {column}={value!r}: {reason}"


def _parse_week(value: str) -> datetime.date | None:
    try:
        if "-W" in value.upper():
            year, week = value.upper().split("-W")
            return datetime.date.fromisocalendar(int(year), int(week), 1)
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if day.weekday() == 0 else None


def _day_count(line: int, row: dict, column: str, errors: list[str]) -> int | None:
    value = (row.get(column) or "").strip()
    if not value.isdigit() or int(value) > 7:
        errors.append(_error(line, column, value, _("not a number of days from 0 to 7")))
        return None
    return int(value)


def _parse_row(line: int, row: dict, students: dict[str, int], errors: list[str]):
    """(student id, period start, period days, present, absent), or None with the errors noted."""
    before = len(errors)
    key = (row.get("student") or "").strip()
    student_id = students.get(key)
    if not key:
        errors.append(_error(line, "student", key, _("required value is missing")))
    elif student_id is None:
        errors.append(
            _error(line, "student", key, _("no student of the district with this sourcedId"))
        )
    day_value = (row.get("date") or "").strip()
    week_value = (row.get("week") or "").strip()
    period = None
    if day_value and week_value:
        errors.append(_error(line, "week", week_value, _("give a date or a week, not both")))
    elif day_value:
        try:
            start = datetime.date.fromisoformat(day_value)
        except ValueError:
            errors.append(_error(line, "date", day_value, _("not a date (YYYY-MM-DD)")))
        else:
            status = (row.get("status") or "").strip().lower()
            if status not in STATUSES:
                errors.append(_error(line, "status", status, _("not one of: present, absent")))
            else:
                period = (start, 1, int(status == "present"), int(status == "absent"))
    elif week_value:
        start = _parse_week(week_value)
        if start is None:
            errors.append(
                _error(line, "week", week_value, _("not an ISO week (YYYY-Www) or a Monday"))
            )
        present = _day_count(line, row, "days_present", errors)
        absent = _day_count(line, row, "days_absent", errors)
        if start is not None and present is not None and absent is not None:
            if present + absent > 7:
                errors.append(
                    _error(line, "days_absent", str(absent), _("more than 7 days in the week"))
                )
            else:
                period = (start, 7, present, absent)
    else:
        errors.append(_error(line, "date", "", _("a date or a week is required")))
    if len(errors) > before or period is None:
        return None
    return (student_id, *period)


def school_attendance_import(
    *, district: District, data: bytes, dry_run: bool, actor: User | None = None
) -> AttendanceReport:
    """Import (or preview, `dry_run`) a district's attendance file. Raises AttendanceRejected with
    the report when a row is invalid; writes nothing then. The real run is audited (counts only)."""
    report = AttendanceReport(dry_run=dry_run)
    if len(data) > MAX_BYTES:
        report.errors.append(f"{FILE_NAME}: " + _("the file is larger than 16 MB"))
        raise AttendanceRejected(report)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append(f"{FILE_NAME}: " + _("not UTF-8 text"))
        raise AttendanceRejected(report) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = set(reader.fieldnames or ())
    if "student" not in columns or not columns & {"date", "week"}:
        report.errors.append(
            _error(
                1,
                "student" if "student" not in columns else "date",
                "",
                _("required column is missing (student, and date or week)"),
            )
        )
        raise AttendanceRejected(report)
    students: dict[str, int] = {}
    for pk, username, sourced_id in User.objects.filter(
        district=district, role=User.Role.STUDENT
    ).values_list("pk", "username", "sourced_id"):
        students[username] = pk
        if sourced_id:
            students[sourced_id] = pk  # a roster id wins over a username that reads the same
    parsed = {}
    for line, row in enumerate(reader, start=2):
        result = _parse_row(line, row, students, report.errors)
        if result is not None:
            parsed[result[:3]] = result[3:]
    if report.errors:
        raise AttendanceRejected(report)
    with transaction.atomic():
        existing = {
            (r.student_id, r.period_start, r.period_days): r
            for r in SchoolAttendance.objects.select_for_update().filter(
                student_id__in={k[0] for k in parsed}
            )
        }
        now = timezone.now()
        for key, (present, absent) in parsed.items():
            row = existing.get(key)
            if row is None:
                report.created += 1
                if not dry_run:
                    SchoolAttendance.objects.create(
                        district=district,
                        student_id=key[0],
                        period_start=key[1],
                        period_days=key[2],
                        days_present=present,
                        days_absent=absent,
                        imported_at=now,
                    )
            elif (row.days_present, row.days_absent) == (present, absent):
                report.unchanged += 1
            else:
                report.updated += 1
                if not dry_run:
                    row.days_present, row.days_absent, row.imported_at = present, absent, now
                    row.save(update_fields=["days_present", "days_absent", "imported_at"])
        if not dry_run:
            audit_record(
                action="school_attendance.import",
                actor=actor,
                district_id=district.pk,
                detail={
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
    return report
