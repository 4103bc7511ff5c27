"""Writes to a district's moderation settings: the settings row (toxicity threshold, link allowlist)
and its keyword rules. Each change is audited with the values before and after, in the district
whose settings changed, and listed on the review console (`moderation_settings_changes`).

Keyword phrases, thresholds and allowlisted sites are district policy, not anyone's personal data,
so the audit entry carries them (unlike message text or names, which it never does).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User

from .models import DistrictModeration, KeywordRule, validate_threshold

SETTINGS_FIELDS = (
    "toxicity_threshold",
    "toxicity_thresholds",
    "link_allowlist",
    "pattern_window_days",
    "pattern_threshold",
    "crisis_resources",
)
RULE_FIELDS = ("phrase", "category", "action", "label", "is_active")

# Audit actions of a district's moderation settings, in the order a console reader expects.
SETTINGS_ACTIONS = (
    "moderation.settings_changed",
    "moderation.keyword_rule_added",
    "moderation.keyword_rule_changed",
    "moderation.keyword_rule_deleted",
)


def _values(row, fields) -> dict:
    return {name: getattr(row, name) for name in fields}


def _require_staff_of(actor: User, district_id: int) -> None:
    if actor.is_superuser:
        return
    if actor.role != User.Role.COORDINATOR or actor.district_id != district_id:
        raise PermissionDenied(
            _("Only the district's coordinators change its moderation settings.")
        )


def _record(*, action: str, actor: User, district_id: int, target_type, target_id, before, after):
    changed = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
    audit_record(
        action=action,
        actor=actor,
        district_id=district_id,
        target_type=target_type,
        target_id=target_id,
        detail={"changed": changed, "before": before, "after": after},
    )


@transaction.atomic
def district_moderation_save(
    *,
    district_id: int,
    actor: User,
    **values,
) -> DistrictModeration:
    """Create or change a district's moderation settings (any of SETTINGS_FIELDS; the others are
    left as they are); validated with the model's own validators, audited only when something
    changed."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Not a district moderation setting: {', '.join(sorted(unknown))}")
    _require_staff_of(actor, district_id)
    if "toxicity_threshold" in values:
        validate_threshold(values["toxicity_threshold"])
    row = DistrictModeration.objects.select_for_update().filter(district_id=district_id).first()
    if row is None:
        # Before its first settings row a district runs on the defaults: "before" says so.
        row = DistrictModeration(district_id=district_id)
    before = _values(row, SETTINGS_FIELDS)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean(exclude=["district"], validate_unique=False)
    after = _values(row, SETTINGS_FIELDS)
    if before == after:
        return row
    row.save()
    changed = [name for name in SETTINGS_FIELDS if before[name] != after[name]]
    _record(
        action="moderation.settings_changed",
        actor=actor,
        district_id=district_id,
        target_type="district_moderation",
        target_id=row.pk,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    return row


@transaction.atomic
def keyword_rule_save(
    *,
    district_id: int,
    phrase: str,
    category: str,
    action: str,
    label: str,
    is_active: bool,
    actor: User,
    rule_id: int | None = None,
) -> KeywordRule:
    """Add a keyword rule to a district (no `rule_id`) or change one of its rules; audited."""
    _require_staff_of(actor, district_id)
    if rule_id is None:
        rule, before = KeywordRule(district_id=district_id), {}
    else:
        rule = KeywordRule.objects.select_for_update().get(pk=rule_id, district_id=district_id)
        before = _values(rule, RULE_FIELDS)
    rule.phrase, rule.category, rule.action = phrase, category, action
    rule.label, rule.is_active = label, is_active
    after = _values(rule, RULE_FIELDS)
    if before == after:
        return rule
    rule.full_clean()
    rule.save()
    _record(
        action="moderation.keyword_rule_added" if not before else "moderation.keyword_rule_changed",
        actor=actor,
        district_id=district_id,
        target_type="keyword_rule",
        target_id=rule.pk,
        before=before,
        after=after,
    )
    return rule


@transaction.atomic
def keyword_rule_delete(*, rule_id: int, district_id: int, actor: User) -> None:
    """Remove one of a district's keyword rules; audited with what it was."""
    _require_staff_of(actor, district_id)
    rule = KeywordRule.objects.select_for_update().get(pk=rule_id, district_id=district_id)
    before = _values(rule, RULE_FIELDS)
    rule.delete()
    _record(
        action="moderation.keyword_rule_deleted",
        actor=actor,
        district_id=district_id,
        target_type="keyword_rule",
        target_id=rule_id,
        before=before,
        after={},
    )
