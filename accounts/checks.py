"""Deployment checks for the audit log's key and anchors (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks

from .audit_key import audit_key_derive

MIN_KEY_CHARS = 32


@checks.register(checks.Tags.security, deploy=True)
def audit_key_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    key = getattr(settings, "AUDIT_HMAC_KEY", "")
    problems: list[checks.CheckMessage] = []
    if len(key) < MIN_KEY_CHARS:
        problems.append(
            checks.Error(
                f"AUDIT_HMAC_KEY is missing or shorter than {MIN_KEY_CHARS} characters.",
                hint="Set AUDIT_HMAC_KEY in the environment to a long random value kept outside "
                "the database (docs/security.md, Audit log).",
                id="accounts.E001",
            )
        )
    elif key in (settings.SECRET_KEY, audit_key_derive(settings.SECRET_KEY)):
        problems.append(
            checks.Error(
                "AUDIT_HMAC_KEY is SECRET_KEY or derived from it, not a key of its own.",
                hint="Set AUDIT_HMAC_KEY explicitly; rotating SECRET_KEY must not re-key the log.",
                id="accounts.E002",
            )
        )
    if not getattr(settings, "AUDIT_ANCHOR_PATH", ""):
        problems.append(
            checks.Warning(
                "AUDIT_ANCHOR_PATH is not set: audit anchors go to the log stream only, and "
                "`manage.py audit_verify` has no anchor to check the newest entries against.",
                hint="Point AUDIT_ANCHOR_PATH at an append-only file outside the database.",
                id="accounts.W003",
            )
        )
    return problems
