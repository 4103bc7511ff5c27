"""Reading a OneRoster 1.1 / 1.2 CSV bundle: an explicit schema per file, typed values, row errors.

Pure: a folder or a zip in, `Bundle` out (no database). Every file is checked against its schema
(required columns, required values, types, allowed values) with the stdlib `csv` module; what
does not fit becomes a `RowError` naming the file, line, column, value and reason, and the row is
left out. What the rows mean for Trellis is decided in programs.roster.

OneRoster CSV conventions kept here: UTF-8 (a byte-order mark is allowed), a header row with the
spec's column names (case-sensitive), list values comma-separated inside one quoted field, booleans
`true`/`false`, dates `YYYY-MM-DD`, `status` and `dateLastModified` blank in a bulk file and set
in a delta file, and extension columns named `metadata.*`.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

# A district's roster is a few MB; a larger member is refused rather than read (zip bombs).
MAX_FILE_BYTES = 64 * 1024 * 1024

VERSIONS = ("1.1", "1.2")
STATUSES = ("active", "tobedeleted")
ORG_TYPES = ("department", "school", "district", "local", "state", "national")
# OneRoster 1.1 roles, and the ones 1.2 adds.
ROLES = (
    "administrator",
    "aide",
    "guardian",
    "parent",
    "proctor",
    "relative",
    "student",
    "teacher",
    "districtAdministrator",
    "siteAdministrator",
    "systemAdministrator",
    "principal",
    "counselor",
)
ROLE_TYPES = ("primary", "secondary")
# CEDS grade levels used by OneRoster, with the number Trellis compares (0 = kindergarten).
GRADES = {
    "IT": -3,
    "PR": -2,
    "PK": -1,
    "TK": 0,
    "KG": 0,
    **{f"{n:02d}": n for n in range(1, 14)},
    "PS": 13,
    "UG": None,
    "Other": None,
}
MANIFEST_FILE_MODES = ("absent", "bulk", "delta")


class BundleUnreadable(Exception):
    """The bundle cannot be read at all (no manifest, not a zip, a member too large)."""


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}={self.value!r}: {self.reason}"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    parse: Callable[[str], object] = str


@dataclass
class Row:
    line: int
    values: dict[str, object]

    def __getitem__(self, key: str) -> object:
        return self.values[key]


@dataclass
class Table:
    name: str
    present: bool = False
    rows: list[Row] = field(default_factory=list)


@dataclass
class Bundle:
    version: str
    tables: dict[str, Table]
    errors: list[RowError]

    def rows(self, name: str) -> list[Row]:
        return self.tables[name].rows


class _Invalid(ValueError):
    pass


def _text(value: str) -> str:
    return value.strip()


def _choice(allowed: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip()
        if value not in allowed:
            raise _Invalid(_("not one of: %(allowed)s") % {"allowed": ", ".join(allowed)})
        return value

    return parse


def _boolean(value: str) -> bool:
    value = value.strip().lower()
    if value not in ("true", "false"):
        raise _Invalid(_("not true or false"))
    return value == "true"


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise _Invalid(_("not a date (YYYY-MM-DD)")) from exc


def _datetime(value: str) -> datetime.datetime:
    text = value.strip()
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _Invalid(_("not a date and time (ISO 8601)")) from exc
    if parsed.tzinfo is None:
        # A bare date is allowed by the spec; a time without a zone is not.
        if "T" in text:
            raise _Invalid(_("a date and time without a time zone"))
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def _id_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _grades(value: str) -> list[str]:
    grades = _id_list(value)
    for grade in grades:
        if grade not in GRADES:
            raise _Invalid(_("%(grade)r is not a CEDS grade level") % {"grade": grade})
    return grades


_COMMON = (
    Column("sourcedId", required=True),
    Column("status", parse=_choice(STATUSES)),
    Column("dateLastModified", parse=_datetime),
)

SCHEMAS: dict[str, tuple[Column, ...]] = {
    "orgs": (
        *_COMMON,
        Column("name", required=True),
        Column("type", required=True, parse=_choice(ORG_TYPES)),
        Column("identifier"),
        Column("parentSourcedId"),
    ),
    "users": (
        *_COMMON,
        Column("enabledUser", required=True, parse=_boolean),
        Column("orgSourcedIds", required=True, parse=_id_list),
        Column("role", required=True, parse=_choice(ROLES)),
        Column("username", required=True),
        Column("userIds"),
        Column("givenName", required=True),
        Column("familyName", required=True),
        Column("middleName"),
        Column("identifier"),
        Column("email"),
        Column("sms"),
        Column("phone"),
        Column("agentSourcedIds", parse=_id_list),
        Column("grades", parse=_grades),
        Column("password"),
        # An extension column (OneRoster allows `metadata.*`): a BCP 47 tag.
        Column("metadata.preferredLanguage"),
    ),
    "enrollments": (
        *_COMMON,
        Column("classSourcedId", required=True),
        Column("schoolSourcedId", required=True),
        Column("userSourcedId", required=True),
        Column("role", required=True, parse=_choice(ROLES)),
        Column("primary", parse=_boolean),
        Column("beginDate", parse=_date),
        Column("endDate", parse=_date),
    ),
    "demographics": (
        *_COMMON,
        Column("birthDate", parse=_date),
        Column("sex"),
    ),
    # OneRoster 1.2: a user's roles and their orgs, one row per role.
    "roles": (
        *_COMMON,
        Column("userSourcedId", required=True),
        Column("roleType", required=True, parse=_choice(ROLE_TYPES)),
        Column("role", required=True, parse=_choice(ROLES)),
        Column("orgSourcedId", required=True),
        Column("userProfileSourcedId"),
        Column("beginDate", parse=_date),
        Column("endDate", parse=_date),
    ),
}
# OneRoster 1.2 moves a user's role and orgs to roles.csv: users.csv may leave them out.
USERS_1_2 = tuple(
    Column(c.name, parse=c.parse) if c.name in ("role", "orgSourcedIds") else c
    for c in SCHEMAS["users"]
)

# The files Trellis reads; the others a bundle may carry (classes, courses, ...) are ignored.
FILES = tuple(SCHEMAS)


def _open_source(path: Path | BinaryIO) -> Callable[[str], bytes | None]:
    """A reader of the bundle's members by file name (None: not in the bundle). `path` is a
    folder, a zip file, or an open binary file holding a zip (an upload)."""
    if not isinstance(path, Path):
        try:
            return _zip_reader(zipfile.ZipFile(path))
        except zipfile.BadZipFile as exc:
            raise BundleUnreadable(_("The bundle is neither a folder nor a zip file.")) from exc
    if path.is_dir():

        def read_dir(name: str) -> bytes | None:
            member = path / name
            if not member.is_file():
                return None
            if member.stat().st_size > MAX_FILE_BYTES:
                raise BundleUnreadable(_("%(name)s is larger than allowed") % {"name": name})
            return member.read_bytes()

        return read_dir
    if not zipfile.is_zipfile(path):
        raise BundleUnreadable(_("The bundle is neither a folder nor a zip file."))
    return _zip_reader(zipfile.ZipFile(path))


def _zip_reader(archive: zipfile.ZipFile) -> Callable[[str], bytes | None]:
    # Members are found by their base name: some exporters put the files in one folder.
    members = {Path(info.filename).name: info for info in archive.infolist() if not info.is_dir()}

    def read_zip(name: str) -> bytes | None:
        info = members.get(name)
        if info is None:
            return None
        if info.file_size > MAX_FILE_BYTES:
            raise BundleUnreadable(_("%(name)s is larger than allowed") % {"name": name})
        with archive.open(info) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise BundleUnreadable(_("%(name)s is larger than allowed") % {"name": name})
        return data

    return read_zip


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleUnreadable(_("%(name)s is not UTF-8") % {"name": name}) from exc


def _manifest(read: Callable[[str], bytes | None]) -> dict[str, str]:
    data = read("manifest.csv")
    if data is None:
        raise BundleUnreadable(_("The bundle has no manifest.csv."))
    reader = csv.DictReader(io.StringIO(_decode("manifest.csv", data), newline=""))
    if reader.fieldnames is None or not {"propertyName", "value"} <= set(reader.fieldnames):
        raise BundleUnreadable(_("manifest.csv needs the columns propertyName and value."))
    return {
        (row["propertyName"] or "").strip(): (row["value"] or "").strip()
        for row in reader
        if row.get("propertyName")
    }


def parse_table(
    name: str, text: str, errors: list[RowError], schema: tuple[Column, ...] | None = None
) -> Table:
    """Rows of one file that fit its schema; every misfit appended to `errors`."""
    file_name = f"{name}.csv"
    schema = schema or SCHEMAS[name]
    table = Table(name=name, present=True)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        errors.append(RowError(file_name, 1, "", "", _("the file is empty (no header row)")))
        return table
    header = [column.strip() for column in header]
    missing = [c.name for c in schema if c.required and c.name not in header]
    for column in missing:
        errors.append(RowError(file_name, 1, column, "", _("required column is missing")))
    if missing:
        return table
    index = {column: i for i, column in enumerate(header)}
    for line, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            errors.append(
                RowError(
                    file_name,
                    line,
                    "",
                    "",
                    _("%(found)d fields where the header has %(expected)d")
                    % {"found": len(raw), "expected": len(header)},
                )
            )
            continue
        values: dict[str, object] = {}
        ok = True
        for column in schema:
            cell = raw[index[column.name]] if column.name in index else ""
            if not cell.strip():
                if column.required:
                    errors.append(
                        RowError(file_name, line, column.name, cell, _("required value is empty"))
                    )
                    ok = False
                values[column.name] = [] if column.parse in (_id_list, _grades) else None
                continue
            try:
                values[column.name] = column.parse(cell)
            except _Invalid as exc:
                errors.append(RowError(file_name, line, column.name, cell, str(exc)))
                ok = False
        if ok:
            table.rows.append(Row(line=line, values=values))
    return table


def read_bundle(path: str | Path | BinaryIO) -> Bundle:
    """Read and check a OneRoster CSV bundle (a folder, a zip file, or an open zip upload).

    Raises BundleUnreadable when there is nothing to import at all; row-level problems are in
    `Bundle.errors`.
    """
    read = _open_source(Path(path) if isinstance(path, str | Path) else path)
    manifest = _manifest(read)
    errors: list[RowError] = []
    version = manifest.get("oneroster.version", "")
    if version not in VERSIONS:
        raise BundleUnreadable(
            _("manifest.csv: oneroster.version %(version)r is not one of %(versions)s")
            % {"version": version, "versions": ", ".join(VERSIONS)}
        )
    tables: dict[str, Table] = {}
    for name in FILES:
        mode = manifest.get(f"file.{name}", "absent")
        if mode not in MANIFEST_FILE_MODES:
            raise BundleUnreadable(
                _("manifest.csv: file.%(name)s is %(mode)r, not absent, bulk or delta")
                % {"name": name, "mode": mode}
            )
        data = read(f"{name}.csv")
        if mode == "absent":
            tables[name] = Table(name=name)
            continue
        if data is None:
            raise BundleUnreadable(
                _("manifest.csv lists %(name)s.csv, which is not in the bundle") % {"name": name}
            )
        schema = USERS_1_2 if (name, version) == ("users", "1.2") else None
        tables[name] = parse_table(name, _decode(f"{name}.csv", data), errors, schema)
    for required in ("orgs", "users"):
        if not tables[required].present:
            raise BundleUnreadable(
                _("The bundle has no %(name)s.csv (manifest file.%(name)s).") % {"name": required}
            )
    if version == "1.2":
        _merge_roles(tables, errors)
    return Bundle(version=version, tables=tables, errors=errors)


def _merge_roles(tables: dict[str, Table], errors: list[RowError]) -> None:
    """OneRoster 1.2: a user row without `role` takes its primary role from roles.csv, and its
    orgs from all of its roles (the primary role's org first)."""
    by_user: dict[str, list[Row]] = {}
    for row in tables["roles"].rows:
        if row["status"] != "tobedeleted":
            by_user.setdefault(row["userSourcedId"], []).append(row)
    kept = []
    for row in tables["users"].rows:
        roles = sorted(by_user.get(row["sourcedId"], []), key=lambda r: r["roleType"] != "primary")
        if row["role"] is None:
            primary = [r for r in roles if r["roleType"] == "primary"]
            if not primary:
                errors.append(
                    RowError(
                        "users.csv",
                        row.line,
                        "role",
                        "",
                        _("no role here and no primary role in roles.csv"),
                    )
                )
                continue
            row.values["role"] = primary[0]["role"]
        if not row["orgSourcedIds"]:
            row.values["orgSourcedIds"] = list(dict.fromkeys(r["orgSourcedId"] for r in roles))
        if not row["orgSourcedIds"]:
            errors.append(
                RowError(
                    "users.csv",
                    row.line,
                    "orgSourcedIds",
                    "",
                    _("no orgs here and none in roles.csv"),
                )
            )
            continue
        kept.append(row)
    tables["users"].rows = kept


def grade_number(grades: list[str]) -> int | None:
    """The highest comparable grade of a OneRoster grades list (None: none known)."""
    numbers = [GRADES[g] for g in grades if GRADES.get(g) is not None]
    return max(numbers) if numbers else None
