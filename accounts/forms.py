"""Sign-in forms. Every failure shows one generic message: nothing says whether the account
exists, whether the password or the lock was the reason."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import throttle
from .audit import audit_record
from .models import User

GENERIC_SIGN_IN_ERROR = _(
    "Sign-in failed. Check your username and password, or wait a few minutes and try again."
)
GENERIC_CODE_ERROR = _("That code did not work. Check it, or wait a few minutes and try again.")
# Longer passwords are refused before hashing (NIST SP 800-63B asks for at least 64 characters).
PASSWORD_MAX_CHARS = 256


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form behind accounts.throttle, with audited failures (ids only)."""

    error_messages = {
        "invalid_login": GENERIC_SIGN_IN_ERROR,
        "inactive": GENERIC_SIGN_IN_ERROR,
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "")[:150]
        password = self.cleaned_data.get("password") or ""
        address = throttle.client_address(self.request)
        known = User.objects.filter(username=username).values_list("pk", flat=True).first()
        decision = throttle.attempt(kind=throttle.Kind.PASSWORD, account=username, address=address)
        if decision.refused:
            audit_record(
                action="auth.sign_in_refused_locked", target_type="user", target_id=known or ""
            )
            raise ValidationError(GENERIC_SIGN_IN_ERROR, code="invalid_login")
        try:
            if len(password) > PASSWORD_MAX_CHARS:
                raise ValidationError(GENERIC_SIGN_IN_ERROR, code="invalid_login")
            cleaned = super().clean()
        except ValidationError:
            audit_record(
                action="auth.password_failed",
                target_type="user",
                target_id=known or "",
                detail={"known_account": known is not None},
            )
            if decision.locks_now:
                audit_record(action="auth.locked", target_type="user", target_id=known or "")
            raise ValidationError(GENERIC_SIGN_IN_ERROR, code="invalid_login") from None
        throttle.succeeded(decision=decision, kind=throttle.Kind.PASSWORD, account=username)
        return cleaned


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )
