"""A small OneRoster CSV bundle generator for the tests: rows as dicts, files as the spec says."""

import csv
import zipfile
from pathlib import Path

ORG_COLUMNS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "name",
    "type",
    "identifier",
    "parentSourcedId",
]
USER_COLUMNS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "metadata.preferredLanguage",
]
ENROLLMENT_COLUMNS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
]
ROLE_COLUMNS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "userSourcedId",
    "roleType",
    "role",
    "orgSourcedId",
    "userProfileSourcedId",
    "beginDate",
    "endDate",
]
DEMOGRAPHIC_COLUMNS = ["sourcedId", "status", "dateLastModified", "birthDate", "sex"]


def org(sourced_id, name, type_, **kw):
    return {"sourcedId": sourced_id, "name": name, "type": type_, **kw}


def user(sourced_id, role, given, family, orgs, **kw):
    return {
        "sourcedId": sourced_id,
        "enabledUser": "true",
        "orgSourcedIds": orgs,
        "role": role,
        "username": kw.pop("username", sourced_id),
        "givenName": given,
        "familyName": family,
        **kw,
    }


def sample(district_slug: str) -> dict[str, list[dict]]:
    """One district, two schools, three students (one 18, one without a birth date), two
    guardians (one reads Spanish), a teacher and an administrator."""
    return {
        "orgs": [
            org("d1", "Roster District", "district", identifier=district_slug),
            org("s1", "Lincoln High", "school", parentSourcedId="d1"),
            org("s2", "Adams Middle", "school", parentSourcedId="d1"),
        ],
        "users": [
            user(
                "st1",
                "student",
                "Ana",
                "Ruiz",
                "s1",
                grades="09",
                agentSourcedIds="g1",
                email="ana@example.org",
            ),
            user("st2", "student", "Ben", "Okafor", "s1", grades="12"),
            user("st3", "student", "Cai", "Lee", "s2", grades="07"),
            user(
                "g1",
                "parent",
                "Maria",
                "Ruiz",
                "s1",
                agentSourcedIds="st1",
                email="maria@example.org",
                phone="555-0101",
                **{"metadata.preferredLanguage": "es"},
            ),
            user("g2", "guardian", "Sam", "Lee", "s2", agentSourcedIds="st3"),
            user("t1", "teacher", "Tess", "Hall", "s1"),
            user("a1", "administrator", "Al", "Diaz", "d1", email="al@example.org"),
        ],
        "enrollments": [
            {
                "sourcedId": "e1",
                "classSourcedId": "c1",
                "schoolSourcedId": "s1",
                "userSourcedId": "st1",
                "role": "student",
            },
        ],
        "demographics": [
            {"sourcedId": "st1", "birthDate": "2011-04-02"},
            {"sourcedId": "st2", "birthDate": "2007-01-15"},
        ],
    }


def as_one_roster_1_2(data: dict[str, list[dict]]) -> tuple[dict, dict]:
    """The same bundle in the 1.2 shape: each user's role and orgs move to roles.csv. Returns the
    data and the users.csv columns (without role and orgSourcedIds)."""
    users, roles = [], []
    for row in data["users"]:
        row = dict(row)
        role, orgs = row.pop("role"), row.pop("orgSourcedIds")
        for n, org_id in enumerate(orgs.split(",")):
            roles.append(
                {
                    "sourcedId": f"r-{row['sourcedId']}-{n}",
                    "userSourcedId": row["sourcedId"],
                    "roleType": "primary" if n == 0 else "secondary",
                    "role": role,
                    "orgSourcedId": org_id,
                }
            )
        users.append(row)
    columns = [c for c in USER_COLUMNS if c not in ("role", "orgSourcedIds")]
    return {**data, "users": users, "roles": roles}, {"users": columns}


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def write_bundle(
    folder: Path,
    data: dict[str, list[dict]],
    *,
    version: str = "1.1",
    columns: dict[str, list[str]] | None = None,
    zip_to: Path | None = None,
) -> Path:
    """Write the bundle's CSV files (and manifest) into `folder`; optionally zip them."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = {
        "orgs": ORG_COLUMNS,
        "users": USER_COLUMNS,
        "enrollments": ENROLLMENT_COLUMNS,
        "demographics": DEMOGRAPHIC_COLUMNS,
        "roles": ROLE_COLUMNS,
        **(columns or {}),
    }
    manifest = [("manifest.version", "1.0"), ("oneroster.version", version)]
    for name in (
        "academicSessions",
        "categories",
        "classes",
        "classResources",
        "courses",
        "courseResources",
        "demographics",
        "enrollments",
        "lineItems",
        "orgs",
        "resources",
        "results",
        "roles",
        "users",
    ):
        manifest.append((f"file.{name}", "bulk" if name in data else "absent"))
        if name in data:
            _write(folder / f"{name}.csv", columns[name], data[name])
    with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["propertyName", "value"])
        writer.writerows(manifest)
    if zip_to is None:
        return folder
    with zipfile.ZipFile(zip_to, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, file.name)
    return zip_to
