"""Socket gates: the Origin check (OriginGate) first, then the live-session gate, which runs after
Channels' session and auth middleware, before any consumer.

A signed-in user whose session is not live (accounts.sessions.session_is_live: idle past its
timeout, revoked, disabled user, or an adult who has not passed the second factor) reaches the
consumer as AnonymousUser, which the consumer refuses at the handshake. `scope["session_key"]`
carries the key the consumer re-checks on each event and on a timer.
"""

import logging
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import split_domain_port, validate_host

from .sessions import session_admit_socket

logger = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_parts(value: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin ("https://host[:port]"), the port made explicit; None for
    anything that is not a plain http(s) origin ("null", a path, credentials, a bad port)."""
    try:
        parsed = urlsplit(value.strip())
        port = parsed.port
    except ValueError:
        return None
    scheme = parsed.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parsed.hostname:
        return None
    if parsed.path not in ("", "/") or parsed.query or parsed.fragment or "@" in parsed.netloc:
        return None
    return scheme, parsed.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def _trusted(origin: tuple[str, str, int], pattern: str) -> bool:
    """Whether `origin` is the CSRF_TRUSTED_ORIGINS entry `pattern` ("https://*.example.org"
    admits subdomains, as Django's CSRF check does), scheme, host and port compared."""
    wildcard = "://*." in pattern
    trusted = _origin_parts(pattern.replace("://*.", "://", 1))
    if trusted is None or (trusted[0], trusted[2]) != (origin[0], origin[2]):
        return False
    host = origin[1]
    return host == trusted[1] or (wildcard and host.endswith("." + trusted[1]))


def _site(scope) -> tuple[str, int] | None:
    """The scheme and port the client connected to: wss or, behind a proxy that says so
    (SECURE_PROXY_SSL_HEADER), https; the port from the Host header (else the scheme's default)."""
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, secure_value = proxy_header
        asgi_name = name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin1")
        forwarded = headers.get(asgi_name, b"").decode("latin1").split(",")[0].strip()
        if forwarded:
            scheme = "https" if forwarded == secure_value else "http"
    host = headers.get(b"host", b"").decode("latin1")
    _, port = split_domain_port(host)
    if port and not port.isdigit():
        return None
    return scheme, int(port) if port else _DEFAULT_PORTS[scheme]


def origin_allowed(scope) -> bool:
    """The handshake's Origin check (FAULTS 2 and 26): scheme, host and port are compared.

    Allowed: an origin listed in CSRF_TRUSTED_ORIGINS, or an origin whose host is in
    ALLOWED_HOSTS and whose scheme and port are those the client connected to (the site's own
    pages, on any of its host names). A missing, "null" or malformed Origin is refused.
    """
    raw = [value for name, value in scope.get("headers", []) if name.lower() == b"origin"]
    if len(raw) != 1:
        return False
    origin = _origin_parts(raw[0].decode("latin1"))
    if origin is None:
        return False
    if any(_trusted(origin, pattern) for pattern in settings.CSRF_TRUSTED_ORIGINS):
        return True
    site = _site(scope)
    return (
        site is not None
        and (origin[0], origin[2]) == site
        and validate_host(origin[1], settings.ALLOWED_HOSTS)
    )


class OriginGate:
    """Refuses a websocket handshake whose Origin is not the site's own (`origin_allowed`); in
    place of Channels' AllowedHostsOriginValidator, which ignores the scheme and the port."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)


class LiveSessionMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        session = scope.get("session")
        session_key = getattr(session, "session_key", None)
        user = scope.get("user")
        if user is not None and user.is_authenticated:
            admitted = await database_sync_to_async(session_admit_socket)(
                session_key=session_key, user=user
            )
            if not admitted:
                scope["user"] = AnonymousUser()
                session_key = None
        scope["session_key"] = session_key
        return await super().__call__(scope, receive, send)


def LiveSessionAuthStack(inner):
    """Channels' session and auth stack with the live-session gate inside it."""
    from channels.auth import AuthMiddlewareStack

    return AuthMiddlewareStack(LiveSessionMiddleware(inner))


async def session_still_live(session_key: str | None, *, touch: bool) -> bool:
    """For the consumer: whether the socket's session may go on (`touch`: also record activity,
    for a frame the person sent). A database failure answers True: the check cannot be made, and
    nothing can be read or sent without the database anyway; the next check decides."""
    from django.db import DatabaseError, InterfaceError

    from .sessions import session_is_live, session_touch

    check = session_touch if touch else session_is_live
    try:
        return await database_sync_to_async(check)(session_key)
    except (DatabaseError, InterfaceError) as exc:
        logger.warning("session check unavailable: %s", type(exc).__name__)
        return True
