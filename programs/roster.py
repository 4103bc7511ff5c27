"""Importing a district's OneRoster bundle: schools, students, guardian contacts (and, on request,
administrators as coordinators).

`roster_import` is one transaction: it applies every valid row, counts what it created, updated,
left alone or deactivated, and writes one audit entry with the counts. A dry run does exactly the
same work and rolls it back, so its counts are the real run's. With row errors nothing is applied
unless `skip_invalid` is set; then the invalid rows (and rows that depend on them) are left out.

Rows are keyed on `sourcedId` within the district, so a second run of the same bundle changes
nothing. `status=tobedeleted` (or `enabledUser=false`) deactivates; nothing is ever deleted.
Mapping and limits: docs/programs.md.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import District, School, User
from accounts.sessions import sessions_revoke_all
from messaging.services import matches_pause_for_user

from .models import Guardian, StudentProfile
from .oneroster import Bundle, Row, RowError, grade_number

GUARDIAN_ROLES = ("parent", "guardian", "relative")
ADMINISTRATOR_ROLES = (
    "administrator",
    "districtAdministrator",
    "siteAdministrator",
    "systemAdministrator",
    "principal",
)
ENTITIES = ("schools", "students", "guardians", "coordinators")
ADULT_AGE = 18


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
        }


@dataclass
class ImportReport:
    dry_run: bool
    counts: dict[str, Tally] = field(default_factory=lambda: {e: Tally() for e in ENTITIES})
    # Users the mapping leaves out on purpose (teachers, aides, ...), by OneRoster role.
    ignored: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    def summary(self) -> dict:
        return {
            "counts": {e: t.as_dict() for e, t in self.counts.items()},
            "ignored": dict(sorted(self.ignored.items())),
            "errors": len(self.errors),
        }


class RosterRejected(Exception):
    """The bundle has row errors and `skip_invalid` was not set: nothing was applied."""

    def __init__(self, report: ImportReport):
        super().__init__(_("%(n)d row errors; nothing was imported.") % {"n": len(report.errors)})
        self.report = report


def _error(row: Row, file: str, column: str, value: object, reason: str) -> RowError:
    shown = ",".join(value) if isinstance(value, list) else ("" if value is None else str(value))
    return RowError(f"{file}.csv", row.line, column, shown, reason)


def _is_removed(row: Row) -> bool:
    return row["status"] == "tobedeleted"


def _age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class _Run:
    def __init__(
        self, *, district: District, bundle: Bundle, report: ImportReport, map_admins: bool
    ):
        self.district = district
        self.dry_run = report.dry_run
        self.bundle = bundle
        self.report = report
        self.map_admins = map_admins
        self.today = timezone.localdate(timezone=zoneinfo.ZoneInfo(district.timezone))
        self.district_org_ids: set[str] = set()
        self.schools: dict[str, School] = {
            s.sourced_id: s for s in district.schools.filter(sourced_id__isnull=False)
        }
        self.students: dict[str, User] = {}
        # Students the roster removes that Trellis never had: their guardians' links are moot.
        self.never_had: set[str] = set()

    def fail(self, row: Row, file: str, column: str, reason: str) -> None:
        self.report.errors.append(_error(row, file, column, row.values.get(column), reason))

    # -- orgs ---------------------------------------------------------------------------------

    def orgs(self) -> None:
        rows = self.bundle.rows("orgs")
        for row in rows:
            if row["type"] != "district":
                continue
            if self.district.slug in (row["sourcedId"], row["identifier"]) or (
                row["name"] == self.district.name
            ):
                self.district_org_ids.add(row["sourcedId"])
            else:
                self.fail(
                    row,
                    "orgs",
                    "sourcedId",
                    _("a district other than %(slug)s; only that district is imported")
                    % {"slug": self.district.slug},
                )
        for row in rows:
            if row["type"] != "school":
                continue
            parent = row["parentSourcedId"]
            if parent and parent not in self.district_org_ids:
                self.fail(
                    row,
                    "orgs",
                    "parentSourcedId",
                    _("not the sourcedId of district %(slug)s in orgs.csv")
                    % {"slug": self.district.slug},
                )
                continue
            self.school(row)

    def school(self, row: Row) -> None:
        tally = self.report.counts["schools"]
        sourced_id, name = row["sourcedId"], row["name"][:200]
        school = self.schools.get(sourced_id)
        if school is None:
            if _is_removed(row):
                tally.unchanged += 1
                return
            # A school entered by hand before the first import is adopted, not duplicated.
            school = self.district.schools.filter(name=name, sourced_id__isnull=True).first()
            if school is not None:
                school.sourced_id = sourced_id
                school.save(update_fields=["sourced_id"])
                tally.updated += 1
            elif self.district.schools.filter(name=name).exists():
                self.fail(row, "orgs", "name", _("another school of the district has this name"))
                return
            else:
                school = School.objects.create(
                    district=self.district, name=name, sourced_id=sourced_id
                )
                tally.created += 1
            self.schools[sourced_id] = school
            return
        if _is_removed(row):
            # Schools have no active flag: a removed school stays, and its people are
            # deactivated by their own rows.
            tally.unchanged += 1
            return
        if school.name != name:
            if self.district.schools.filter(name=name).exclude(pk=school.pk).exists():
                self.fail(row, "orgs", "name", _("another school of the district has this name"))
                return
            school.name = name
            school.save(update_fields=["name"])
            tally.updated += 1
        else:
            tally.unchanged += 1

    # -- users --------------------------------------------------------------------------------

    def users(self) -> None:
        births = {
            row["sourcedId"]: row["birthDate"]
            for row in self.bundle.rows("demographics")
            if row["birthDate"] is not None
        }
        enrolled_school: dict[str, str] = {}
        for row in self.bundle.rows("enrollments"):
            if row["schoolSourcedId"] not in self.schools:
                self.fail(
                    row,
                    "enrollments",
                    "schoolSourcedId",
                    _("no school with this sourcedId in orgs.csv"),
                )
                continue
            enrolled_school.setdefault(row["userSourcedId"], row["schoolSourcedId"])
        usernames_seen: set[str] = set()
        guardian_rows: list[Row] = []
        for row in self.bundle.rows("users"):
            role = row["role"]
            if role in GUARDIAN_ROLES:
                guardian_rows.append(row)
                continue
            if role == "student" or (role in ADMINISTRATOR_ROLES and self.map_admins):
                if row["username"] in usernames_seen:
                    self.fail(row, "users", "username", _("used by another row of users.csv"))
                    continue
                usernames_seen.add(row["username"])
                if role == "student":
                    self.student(row, births.get(row["sourcedId"]), enrolled_school)
                else:
                    self.coordinator(row)
                continue
            self.report.ignored[role] = self.report.ignored.get(role, 0) + 1
        guardians_of: dict[str, set[str]] = {}
        for row in self.bundle.rows("users"):
            if row["role"] == "student":
                for agent in row["agentSourcedIds"]:
                    guardians_of.setdefault(agent, set()).add(row["sourcedId"])
        for row in guardian_rows:
            self.guardian(row, guardians_of.get(row["sourcedId"], set()))

    def _orgs_known(self, row: Row) -> list[School] | None:
        schools = []
        for org in row["orgSourcedIds"]:
            if org in self.district_org_ids:
                continue
            school = self.schools.get(org)
            if school is None:
                self.fail(
                    row,
                    "users",
                    "orgSourcedIds",
                    _("%(org)r: no school or district with this sourcedId in orgs.csv")
                    % {"org": org},
                )
                return None
            schools.append(school)
        return schools

    def _email(self, row: Row) -> str | None:
        email = row["email"] or ""
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.fail(row, "users", "email", _("not an e-mail address"))
                return None
        return email

    def _account(self, row: Row, role: str, fields: dict) -> tuple[User | None, str]:
        """Create or update the account keyed on (district, sourcedId). Returns the account and
        what happened: created, updated, unchanged, deactivated; (None, "") on a row error and
        (None, "unchanged") for a removed person Trellis never had."""
        user = User.objects.filter(district=self.district, sourced_id=row["sourcedId"]).first()
        if user is not None and user.role != role:
            self.fail(row, "users", "role", _("the account with this sourcedId has another role"))
            return None, ""
        taken = User.objects.filter(username=fields["username"])
        if user is not None:
            taken = taken.exclude(pk=user.pk)
        if taken.exists():
            self.fail(row, "users", "username", _("already used by another account"))
            return None, ""
        if user is None:
            if _is_removed(row):
                return None, "unchanged"
            user = User(district=self.district, sourced_id=row["sourcedId"], role=role, **fields)
            user.set_unusable_password()
            user.save()
            return user, "created"
        changed = [name for name, value in fields.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, fields[name])
        if changed:
            user.save(update_fields=changed)
        if "is_active" in changed and not user.is_active:
            # A removed or disabled person's sessions and sockets end now, and their matches
            # pause (the same as disabling the account in the admin).
            # Not in a dry run: a session store other than the database one (cached_db) is
            # not rolled back with the transaction.
            if not self.dry_run:
                sessions_revoke_all(user=user, actor=None, reason="account_disabled")
            matches_pause_for_user(user=user, actor=None, reason="Removed from the roster")
            return user, "deactivated"
        return user, "updated" if changed else "unchanged"

    def _count(self, entity: str, outcome: str) -> None:
        tally = self.report.counts[entity]
        setattr(tally, outcome, getattr(tally, outcome) + 1)

    def _person_fields(self, row: Row, email: str) -> dict:
        return {
            "username": row["username"][:150],
            "first_name": row["givenName"][:150],
            "last_name": row["familyName"][:150],
            "email": email,
            "is_active": bool(row["enabledUser"]) and not _is_removed(row),
        }

    def student(self, row: Row, birth: datetime.date | None, enrolled: dict[str, str]) -> None:
        schools = self._orgs_known(row)
        email = self._email(row)
        if schools is None or email is None:
            return
        if not schools and row["sourcedId"] in enrolled:
            schools = [self.schools[enrolled[row["sourcedId"]]]]
        if not schools and not _is_removed(row):
            self.fail(row, "users", "orgSourcedIds", _("a student needs a school"))
            return
        # Without a birth date a student counts as a minor: the safe side for every rule.
        is_minor = birth is None or _age_on(birth, self.today) < ADULT_AGE
        fields = {**self._person_fields(row, email), "is_minor": is_minor}
        user, outcome = self._account(row, User.Role.STUDENT, fields)
        if user is not None:
            self.students[row["sourcedId"]] = user
            profile, _created = StudentProfile.objects.get_or_create(student=user)
            wanted = {
                "school": schools[0] if schools else profile.school,
                "grade": grade_number(row["grades"]),
            }
            changed = [k for k, v in wanted.items() if getattr(profile, k) != v]
            for name in changed:
                setattr(profile, name, wanted[name])
            if changed:
                profile.save(update_fields=changed)
                # The account was unchanged but its school or grade moved: an update.
                if outcome == "unchanged":
                    outcome = "updated"
        elif outcome == "unchanged":
            self.never_had.add(row["sourcedId"])
        if outcome:
            self._count("students", outcome)

    def coordinator(self, row: Row) -> None:
        if self._orgs_known(row) is None:
            return
        email = self._email(row)
        if email is None:
            return
        fields = {**self._person_fields(row, email), "is_minor": False}
        _user, outcome = self._account(row, User.Role.COORDINATOR, fields)
        if outcome:
            self._count("coordinators", outcome)

    def guardian(self, row: Row, linked_from_students: set[str]) -> None:
        email = self._email(row)
        if email is None:
            return
        wanted_ids = set(row["agentSourcedIds"]) | linked_from_students
        students = []
        if wanted_ids and wanted_ids <= self.never_had:
            # Linked only to removed students Trellis never had: nothing to keep.
            self.report.counts["guardians"].unchanged += 1
            return
        for sourced_id in sorted(wanted_ids - self.never_had):
            student = self.students.get(sourced_id)
            if student is None:
                self.fail(
                    row,
                    "users",
                    "agentSourcedIds",
                    _("%(id)r: no valid student with this sourcedId in users.csv")
                    % {"id": sourced_id},
                )
                return
            students.append(student)
        if not students and not _is_removed(row):
            self.fail(row, "users", "agentSourcedIds", _("a guardian needs a student"))
            return
        tally = self.report.counts["guardians"]
        active = bool(row["enabledUser"]) and not _is_removed(row)
        fields = {
            "name": f"{row['givenName']} {row['familyName']}"[:200],
            "email": email,
            "phone": (row["phone"] or row["sms"] or "")[:40],
            "preferred_language": (row["metadata.preferredLanguage"] or "")[:35],
            "is_active": active,
        }
        existing = {
            g.student_id: g
            for g in Guardian.objects.filter(district=self.district, sourced_id=row["sourcedId"])
        }
        # A link the roster no longer lists ends: the contact is kept, inactive.
        for student_id, contact in existing.items():
            if student_id not in {s.pk for s in students} and contact.is_active:
                contact.is_active = False
                contact.save(update_fields=["is_active"])
                tally.deactivated += 1
        for student in students:
            contact = existing.get(student.pk)
            if contact is None:
                if not active:
                    tally.unchanged += 1
                    continue
                Guardian.objects.create(
                    district=self.district, student=student, sourced_id=row["sourcedId"], **fields
                )
                tally.created += 1
                continue
            changed = [k for k, v in fields.items() if getattr(contact, k) != v]
            for name in changed:
                setattr(contact, name, fields[name])
            if changed:
                contact.save(update_fields=changed)
            if "is_active" in changed and not contact.is_active:
                tally.deactivated += 1
            elif changed:
                tally.updated += 1
            else:
                tally.unchanged += 1


def roster_import(
    *,
    district: District,
    bundle: Bundle,
    dry_run: bool = False,
    skip_invalid: bool = False,
    map_administrators: bool = False,
    actor: User | None = None,
) -> ImportReport:
    """Import `bundle` (programs.oneroster.read_bundle) into `district`.

    Returns the report (counts per entity, ignored roles, row errors). Raises RosterRejected,
    with nothing written, when there are row errors and `skip_invalid` is false (also on a dry
    run, whose report then lists every error). The audit entry (`roster.import`) holds counts
    only; a dry run writes nothing, that entry included. `actor`: the coordinator who uploaded
    the bundle (None from the command line).
    """
    if actor is not None and not (
        actor.is_active and actor.role == User.Role.COORDINATOR and actor.district_id == district.pk
    ):
        raise PermissionDenied("Only the district's coordinators import its roster.")
    report = ImportReport(dry_run=dry_run, errors=list(bundle.errors))
    with transaction.atomic():
        run = _Run(district=district, bundle=bundle, report=report, map_admins=map_administrators)
        run.orgs()
        run.users()
        report.errors.sort(key=lambda e: (e.file, e.line, e.column))
        rejected = bool(report.errors) and not skip_invalid
        if not rejected and not dry_run:
            audit_record(
                action="roster.import",
                actor=actor,
                district_id=district.pk,
                target_type="district",
                target_id=district.pk,
                detail={**report.summary(), "version": bundle.version},
            )
            report.applied = True
        if rejected or dry_run:
            transaction.set_rollback(True)
    if rejected and not dry_run:
        raise RosterRejected(report)
    return report
