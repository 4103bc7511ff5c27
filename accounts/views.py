"""Sign-in, the second step for adults, sign-out, "sign out all devices" and the language switcher.
Thin: each view parses the request and calls accounts.second_factor, accounts.sessions or
accounts.languages."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import second_factor as sf
from .audit import audit_record
from .forms import GENERIC_CODE_ERROR, CodeForm, ThrottledAuthenticationForm
from .languages import language_supported, user_language_set
from .middleware import second_factor_exempt
from .sessions import session_end, session_register, sessions_revoke_all


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


class SignInView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "registration/login.html"

    def form_valid(self, form):
        user = form.get_user()
        response = super().form_valid(form)
        session_register(session_key=self.request.session.session_key, user=user)
        audit_record(
            action="auth.password_passed", actor=user, target_type="user", target_id=user.pk
        )
        if user.requires_second_factor:
            step = "otp_verify" if sf.totp_device_confirmed(user) else "otp_enrol"
            return redirect(f"{reverse(step)}?{urlencode({'next': response.url})}")
        return response


sign_in = second_factor_exempt(SignInView.as_view())


@second_factor_exempt
@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.requires_second_factor or user.is_verified():
        return redirect(_next_url(request))
    if sf.totp_device_confirmed(user) is None:
        return redirect(f"{reverse('otp_enrol')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    error = GENERIC_CODE_ERROR if request.method == "POST" and not form.is_valid() else ""
    if request.method == "POST" and form.is_valid():
        result = sf.second_factor_verify(
            request=request, user=user, token=form.cleaned_data["token"]
        )
        if result.outcome is sf.Outcome.PASSED:
            return redirect(_next_url(request))
        if result.outcome is sf.Outcome.LOCKED:
            # Back to the password: a locked second step cannot be retried from this session.
            session_end(session_key=request.session.session_key, reason="second_factor_locked")
            logout(request)
            messages.error(request, GENERIC_CODE_ERROR)
            return redirect("login")
        error = GENERIC_CODE_ERROR
    return render(request, "accounts/otp_verify.html", {"error": error, "next": _next_url(request)})


@second_factor_exempt
@never_cache
@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.requires_second_factor or user.is_verified():
        return redirect(_next_url(request))
    if sf.totp_device_confirmed(user) is not None:
        # Replacing an authenticator takes a coordinator, never a password alone.
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    error = GENERIC_CODE_ERROR if request.method == "POST" and not form.is_valid() else ""
    if request.method == "POST" and form.is_valid():
        result = sf.enrolment_confirm(request=request, user=user, token=form.cleaned_data["token"])
        if result.outcome is sf.Outcome.PASSED:
            codes = sf.backup_codes_issue(user=user)
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        if result.outcome is sf.Outcome.LOCKED:
            session_end(session_key=request.session.session_key, reason="second_factor_locked")
            logout(request)
            messages.error(request, GENERIC_CODE_ERROR)
            return redirect("login")
        error = GENERIC_CODE_ERROR
    # A refused code re-shows this session's own pending secret (no rescan after a typo); any
    # other view of the page issues a fresh one, which voids every earlier secret.
    device = None
    if request.method == "POST":
        device = sf.enrolment_pending(request=request, user=user)
    if device is None:
        device = sf.enrolment_start(request=request, user=user)
    if device is None:
        # Another session confirmed an authenticator meanwhile.
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': _next_url(request)})}")
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "error": error,
            "next": _next_url(request),
            "otpauth_uri": device.config_url,
            "secret": sf.device_secret_base32(device),
            "qr_svg": sf.device_qr_svg(device),
        },
    )


@second_factor_exempt
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.session.session_key:
        session_end(session_key=request.session.session_key, reason="signed_out")
    logout(request)
    return redirect("login")


@require_POST
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    count = sessions_revoke_all(
        user=request.user, actor=request.user, reason="signed_out_everywhere"
    )
    logout(request)
    messages.info(
        request,
        ngettext(
            "Signed out of %(count)d session on all devices.",
            "Signed out of %(count)d sessions on all devices.",
            count,
        )
        % {"count": count},
    )
    return redirect("login")


@second_factor_exempt
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The switcher on every page: the signed-in person's choice is kept on their account (it
    follows them to every device and into their e-mails); this browser remembers it too, so the
    sign-in page speaks it after signing out."""
    language = language_supported(request.POST.get("language"))
    response = redirect(_next_url(request))
    if language is None:
        return response
    user = request.user
    # Before the second step an adult's account is not theirs yet: the browser remembers alone.
    if user.is_authenticated and (not user.requires_second_factor or user.is_verified()):
        user_language_set(user=user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
