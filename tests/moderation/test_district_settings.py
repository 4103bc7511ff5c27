"""A district's moderation settings in the admin (FAULTS 25): scoped to the coordinator's district,
thresholds from 0 to 1, every change audited with the values before and after, and listed on the
review console's "Moderation settings changes" page for that district only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts.audit import audit_verify
from accounts.models import AuditEntry, User
from accounts.permissions import coordinator_admin_grant
from moderation import district_settings
from moderation.models import DistrictModeration, KeywordRule

SETTINGS_URL = "/admin/moderation/districtmoderation/"
RULES_URL = "/admin/moderation/keywordrule/"


@pytest.fixture
def staff(make_user, district, verified_login):
    coordinator = make_user(User.Role.COORDINATOR, district, is_staff=True)
    coordinator_admin_grant(user=coordinator)
    client = Client()
    verified_login(client, coordinator)
    return coordinator, client


# The conversation-risk settings, left at their defaults (docs/moderation.md).
PATTERN = {"pattern_window_days": "14", "pattern_threshold": "3.0"}


def _settings_entries():
    return list(AuditEntry.objects.filter(action__startswith="moderation.").order_by("pk"))


@pytest.mark.parametrize("threshold", ["1.5", "-0.1"])
def test_threshold_outside_zero_to_one_is_a_form_error(staff, district, threshold):
    _, client = staff
    response = client.post(
        f"{SETTINGS_URL}add/",
        {"district": district.pk, "toxicity_threshold": threshold, "link_allowlist": "", **PATTERN},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "toxicity_threshold": [
            "The toxicity threshold is a score from 0 to 1 (for example 0.7), or blank."
        ]
    }
    assert not DistrictModeration.objects.exists()
    assert _settings_entries() == []


def test_threshold_is_checked_by_the_service_too(coordinator, district):
    with pytest.raises(ValidationError, match="from 0 to 1"):
        district_settings.district_moderation_save(
            district_id=district.pk, toxicity_threshold=2.0, link_allowlist="", actor=coordinator
        )
    assert not DistrictModeration.objects.exists()
    assert _settings_entries() == []


def test_settings_changes_are_audited_with_before_and_after(staff, district):
    coordinator, client = staff
    added = client.post(
        f"{SETTINGS_URL}add/",
        {
            "district": district.pk,
            "toxicity_threshold": "0.7",
            "link_allowlist": "khanacademy.org",
            **PATTERN,
        },
    )
    assert added.status_code == 302
    row = DistrictModeration.objects.get(district=district)
    changed = client.post(
        f"{SETTINGS_URL}{row.pk}/change/",
        {"toxicity_threshold": "0.4", "link_allowlist": "khanacademy.org\n.k12.ca.us", **PATTERN},
    )
    assert changed.status_code == 302
    unchanged = client.post(
        f"{SETTINGS_URL}{row.pk}/change/",
        {"toxicity_threshold": "0.4", "link_allowlist": "khanacademy.org\n.k12.ca.us", **PATTERN},
    )
    assert unchanged.status_code == 302
    first, second = _settings_entries()  # the save that changed nothing is not recorded
    assert (first.action, second.action) == ("moderation.settings_changed",) * 2
    assert {first.district_ref, second.district_ref, first.actor_ref} == {
        district.pk,
        coordinator.pk,
    }
    assert first.target_type == "district_moderation"
    assert first.target_id == str(row.pk)
    assert first.detail == {
        "changed": ["link_allowlist", "toxicity_threshold"],
        "before": {"toxicity_threshold": None, "link_allowlist": ""},
        "after": {"toxicity_threshold": 0.7, "link_allowlist": "khanacademy.org"},
    }
    assert second.detail == {
        "changed": ["link_allowlist", "toxicity_threshold"],
        "before": {"toxicity_threshold": 0.7, "link_allowlist": "khanacademy.org"},
        "after": {"toxicity_threshold": 0.4, "link_allowlist": "khanacademy.org\n.k12.ca.us"},
    }
    row.refresh_from_db()
    assert (row.toxicity_threshold, row.allowlist()) == (0.4, ["khanacademy.org", ".k12.ca.us"])
    assert audit_verify() is None


def test_keyword_rule_add_change_delete_are_audited(staff, district):
    _, client = staff
    fields = {"phrase": "snap me", "category": "contact_info", "action": "flag", "label": ""}
    added = client.post(f"{RULES_URL}add/", {"district": district.pk, **fields, "is_active": "on"})
    assert added.status_code == 302
    rule = KeywordRule.objects.get(district=district)
    changed = client.post(f"{RULES_URL}{rule.pk}/change/", {**fields, "action": "hold"})
    assert changed.status_code == 302
    deleted = client.post(f"{RULES_URL}{rule.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not KeywordRule.objects.exists()
    added_entry, changed_entry, deleted_entry = _settings_entries()
    after_add = {**fields, "is_active": True}
    assert (added_entry.action, added_entry.target_id) == (
        "moderation.keyword_rule_added",
        str(rule.pk),
    )
    assert added_entry.detail["before"] == {}
    assert added_entry.detail["after"] == after_add
    assert changed_entry.action == "moderation.keyword_rule_changed"
    assert changed_entry.detail == {
        "changed": ["action", "is_active"],
        "before": after_add,
        "after": {**fields, "action": "hold", "is_active": False},
    }
    assert deleted_entry.action == "moderation.keyword_rule_deleted"
    assert deleted_entry.detail["before"] == {**fields, "action": "hold", "is_active": False}
    assert deleted_entry.detail["after"] == {}
    assert {e.district_ref for e in (added_entry, changed_entry, deleted_entry)} == {district.pk}


def test_bulk_delete_of_keyword_rules_is_audited_per_rule(staff, district):
    _, client = staff
    rules = [
        KeywordRule.objects.create(district=district, phrase=p, category="grooming")
        for p in ("our secret", "dont tell")
    ]
    response = client.post(
        RULES_URL,
        {"action": "delete_selected", "_selected_action": [r.pk for r in rules], "post": "yes"},
    )
    assert response.status_code == 302
    assert not KeywordRule.objects.exists()
    assert sorted(e.target_id for e in _settings_entries()) == sorted(str(r.pk) for r in rules)
    assert {e.action for e in _settings_entries()} == {"moderation.keyword_rule_deleted"}


def test_another_districts_settings_cannot_be_changed_through_the_service(
    coordinator, make_district
):
    other = make_district()
    with pytest.raises(PermissionDenied):
        district_settings.district_moderation_save(
            district_id=other.pk, toxicity_threshold=0.9, link_allowlist="", actor=coordinator
        )
    with pytest.raises(PermissionDenied):
        district_settings.keyword_rule_save(
            district_id=other.pk,
            phrase="x",
            category="grooming",
            action="flag",
            label="",
            is_active=True,
            actor=coordinator,
        )
    assert not DistrictModeration.objects.exists()
    assert not KeywordRule.objects.exists()
    assert _settings_entries() == []


def test_console_lists_the_districts_settings_changes_only(
    staff, district, make_district, make_user, verified_login
):
    coordinator, _ = staff
    other = make_district()
    outsider = make_user(User.Role.COORDINATOR, other)
    district_settings.district_moderation_save(
        district_id=district.pk, toxicity_threshold=0.65, link_allowlist="", actor=coordinator
    )
    district_settings.keyword_rule_save(
        district_id=other.pk,
        phrase="elsewhere phrase",
        category="grooming",
        action="hold",
        label="",
        is_active=True,
        actor=outsider,
    )
    moderator = make_user(User.Role.MODERATOR, district)
    client = Client()
    verified_login(client, moderator)
    queue = client.get("/staff/")
    assert b'href="/staff/settings-changes/"' in queue.content
    page = client.get("/staff/settings-changes/")
    assert page.status_code == 200
    assert [(r["action"], r["changes"]) for r in page.context["rows"]] == [
        ("moderation.settings_changed", [("toxicity_threshold", None, 0.65)])
    ]
    assert b"Settings changed" in page.content
    assert b"0.65" in page.content
    assert b"elsewhere phrase" not in page.content
    # The other district's staff see theirs, not this district's.
    other_moderator = make_user(User.Role.MODERATOR, other)
    other_client = Client()
    verified_login(other_client, other_moderator)
    theirs = other_client.get("/staff/settings-changes/")
    assert [r["action"] for r in theirs.context["rows"]] == ["moderation.keyword_rule_added"]
    assert b"0.65" not in theirs.content


def test_students_and_mentors_do_not_see_the_settings_changes(student, mentor, verified_login):
    for person in (student, mentor):
        client = Client()
        verified_login(client, person)
        assert client.get("/staff/settings-changes/").status_code == 404
