"""HTTP gates for signed-in sessions. Both run after AuthenticationMiddleware and OTPMiddleware.

SessionGuardMiddleware ends a session that has been idle past its timeout (or whose user was
disabled) before any view sees it, and records activity otherwise: the idle timeout is enforced on
the server, whatever the page's script does.

SecondFactorMiddleware serves an adult who needs a second factor nothing but the sign-in pages
until the session has passed it: pages redirect to the second-factor step, other methods get 403.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse

from .sessions import session_activity

# Views an adult reaches before the second factor (besides views marked second_factor_exempt).
EXEMPT_URL_NAMES = frozenset({"health"})


def second_factor_exempt(view):
    """Mark a view as reachable by a signed-in adult who has not passed the second factor yet."""
    view.second_factor_exempt = True
    return view


class SessionGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            key = request.session.session_key
            if not key or not session_activity(session_key=key, user=user):
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
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
            return HttpResponseForbidden("The second sign-in step is not complete.")
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': request.get_full_path()})}")
