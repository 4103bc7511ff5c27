"""The development audit key, derived from SECRET_KEY (config.settings imports this module, so it
imports nothing of Django's or the app's)."""

import hashlib
import hmac

# Separates this use of SECRET_KEY from every other (sessions, signing, throttle hashes).
DERIVED_KEY_LABEL = b"trellis.accounts.audit.hmac-key"


def audit_key_derive(secret_key: str) -> str:
    """An HMAC-SHA256 of a fixed label under SECRET_KEY, as hex."""
    return hmac.new(secret_key.encode(), DERIVED_KEY_LABEL, hashlib.sha256).hexdigest()
