"""Writes to a district's moderation settings: the settings row (toxicity threshold, link allowlist)
and its keyword rules. Each change is audited with the values before and after, in the district
whose settings changed, and listed on the review console (`moderation_settings_changes`).

Keyword phrases, thresholds and allowlisted sites are district policy, not anyone's personal data,
so the audit entry carries them (unlike message text or names, which it never does).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User

from .detectors.base import KeywordSpec
from .models import DistrictModeration, KeywordRule, validate_threshold
from .normalize import normalize

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


# -- what the send path reads: cached per process, keyed by the district's moderation_version -----


@dataclass(frozen=True)
class DistrictSettings:
    """The part of a district's moderation settings the detectors see, keyword phrases already
    normalised. The defaults (no settings row, no rules) are `DistrictSettings()`."""

    allowlist: tuple[str, ...] = ()
    toxicity_threshold: float | None = None
    toxicity_thresholds: tuple[tuple[str, float], ...] = ()
    keywords: tuple[KeywordSpec, ...] = ()


# district id -> (moderation_version, settings). Plain dict operations only, which CPython makes
# atomic, so threads of one process can share it without a lock; a race loads the row twice.
_cache: dict[int, tuple[int, DistrictSettings]] = {}


def district_settings_cached(*, district_id: int, version: int) -> DistrictSettings:
    """The district's settings as of `version` (`District.moderation_version`, read by the caller
    with the sender's conversation) or newer: from this process's cache while the version is
    unchanged, else read (two statements) and cached.

    Every write to the settings row or to a keyword rule moves the version in its own
    transaction, whoever writes (triggers: moderation migration 0009), so a change is seen by the
    next send in every process. Loading after reading the version can only see newer rows, never
    older ones: a stale entry is kept at most until the next send.
    """
    entry = _cache.get(district_id)
    if entry is not None and entry[0] == version:
        return entry[1]
    loaded = _district_settings_load(district_id)
    _cache[district_id] = (version, loaded)
    return loaded


def district_settings_cache_clear() -> None:
    """Forget every cached district (tests; a process that wants a clean slate)."""
    _cache.clear()


def _district_settings_load(district_id: int) -> DistrictSettings:
    row = DistrictModeration.objects.filter(district_id=district_id).first()
    keywords = tuple(
        KeywordSpec(
            phrase=normalize(rule.phrase).words.text,
            category=rule.category,
            action=rule.action,
            label=rule.label,
        )
        for rule in KeywordRule.objects.filter(district_id=district_id, is_active=True)
    )
    if row is None:
        return DistrictSettings(keywords=keywords)
    return DistrictSettings(
        allowlist=tuple(row.allowlist()),
        toxicity_threshold=row.toxicity_threshold,
        toxicity_thresholds=tuple(sorted((row.toxicity_thresholds or {}).items())),
        keywords=keywords,
    )


# -- writes ----------------------------------------------------------------------------------------


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
