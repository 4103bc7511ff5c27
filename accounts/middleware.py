"""HTTP gates for signed-in sessions. Both run after AuthenticationMiddleware and OTPMiddleware.

SessionGuardMiddleware ends a session that has been idle past its timeout (or whose user was
disabled) before any view sees it, and records activity otherwise: the idle timeout is enforced on
the server, whatever the page's script does.

AccessDeniedAuditMiddleware records every 403 and 404 a view raises for a signed-in user (staff
reaching into another district, a student calling staff endpoints, guessed ids) in the audit log,
with the route's name and its numeric ids only; an exception with `audited = True` was recorded by
the gate that raised it and is not recorded twice.

LanguageMiddleware activates the language the page is written in (accounts.languages: the person's
choice, the browser's choice, Accept-Language, the district's default) and says so in the response.

SecondFactorMiddleware serves an adult who needs a second factor nothing but the sign-in pages
until the session has passed it: pages redirect to the second-factor step, other methods get 403.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext

from .audit import audit_record
from .languages import language_for_request
from .sessions import session_activity

# Views an adult reaches before the second factor (besides views marked second_factor_exempt).
EXEMPT_URL_NAMES = frozenset({"health"})


def second_factor_exempt(view):
    """Mark a view as reachable by a signed-in adult who has not passed the second factor yet."""
    view.second_factor_exempt = True
    return view


class LanguageMiddleware:
    """The page's language for the request; after AuthenticationMiddleware (it reads the user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for_request(
            user=getattr(request, "user", None),
            chosen_on_browser=request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
            accept_language=request.headers.get("accept-language", ""),
        )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            key = request.session.session_key
            if not key or not session_activity(session_key=key, user=user):
                logout(request)
                messages.info(request, gettext("You were signed out after a period of inactivity."))
        return self.get_response(request)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.requires_second_factor or user.is_verified():
            return None
        match = request.resolver_match
        if getattr(view_func, "second_factor_exempt", False) or (
            match is not None and match.url_name in EXEMPT_URL_NAMES
        ):
            return None
        if request.method not in ("GET", "HEAD"):
            return HttpResponseForbidden(gettext("The second sign-in step is not complete."))
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': request.get_full_path()})}")


class AccessDeniedAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, Http404 | PermissionDenied):
            return None
        if getattr(exception, "audited", False):
            # The access gate that refused already wrote a more specific entry.
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        ids = {}
        if match is not None:
            # Numeric ids only: other parameters (feed tokens, slugs) stay out of the log.
            ids = {
                k: int(v)
                for k, v in match.kwargs.items()
                if isinstance(v, int)
                or (isinstance(v, str) and v.isascii() and v.isdigit() and len(v) < 19)
            }
        audit_record(
            action="access.denied",
            actor=user,
            target_type="route",
            target_id=(match.view_name if match is not None else "")[:64],
            detail={"status": 404 if isinstance(exception, Http404) else 403, "ids": ids},
        )
        return None
