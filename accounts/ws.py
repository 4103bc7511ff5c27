"""Socket gates: the Origin check (OriginGate) first, then the handshake gate (HandshakeGate),
which runs after Channels' cookie and session middleware, before any consumer.

The handshake gate makes the handshake's one trip to the database (`socket_handshake`): who the
session's user is, whether the session is live (accounts.sessions.session_socket_user: idle past
its timeout, revoked, disabled user, or an adult who has not passed the second factor) and the
socket's language. A session that is not live reaches the consumer as AnonymousUser, which the
consumer refuses at the handshake. `scope["session_key"]` carries the key the consumer re-checks on
each event and on a timer; `scope["language"]` the language its texts are in.

Where the trip runs: by default on the process's database thread (channels'
database_sync_to_async, one thread per process). With TRELLIS_REALTIME["HANDSHAKE_THREADS"] above
0 it runs on a pool of that many threads of its own (each with its own database connection), so
that handshakes do not queue behind sends; docs/benchmarks.md has what that was measured to give.
The lookup only reads, and writes only when it registers an untracked session (its own
transaction), so it does not need the database thread's connection.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import WebsocketDenier
from channels.sessions import SessionMiddlewareStack
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import split_domain_port, validate_host

from .languages import language_for_socket
from .models import User
from .sessions import session_socket_user

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


def socket_handshake(*, scope: dict) -> tuple[User | None, str]:
    """The user of the handshake's live session (None: not signed in, or the session is not live)
    and the socket's language (accounts.languages.language_for_socket), in one trip."""
    user = session_socket_user(session=scope["session"])
    return user, language_for_socket(scope=scope, user=user)


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _handshake_pool(threads: int) -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="handshake")
        return _pool


async def handshake_lookup(*, scope: dict) -> tuple[User | None, str]:
    """`socket_handshake` off the event loop: on the database thread, or on the handshake pool
    when TRELLIS_REALTIME["HANDSHAKE_THREADS"] is above 0 (database_sync_to_async closes each
    pool thread's connection when it is old or broken, before and after the call)."""
    threads = int(settings.TRELLIS_REALTIME.get("HANDSHAKE_THREADS", 0))
    if threads <= 0:
        return await database_sync_to_async(socket_handshake)(scope=scope)
    lookup = database_sync_to_async(
        socket_handshake, thread_sensitive=False, executor=_handshake_pool(threads)
    )
    return await lookup(scope=scope)


class HandshakeGate(BaseMiddleware):
    """Sets `user` (AnonymousUser unless the session is live), `session_key` and `language` on
    the scope, in place of Channels' AuthMiddleware (which would make a trip of its own)."""

    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        user, language = await handshake_lookup(scope=scope)
        scope["user"] = user if user is not None else AnonymousUser()
        scope["session_key"] = scope["session"].session_key if user is not None else None
        scope["language"] = language
        return await super().__call__(scope, receive, send)


def LiveSessionAuthStack(inner):
    """Channels' cookie and session middleware with the handshake gate inside them."""
    return SessionMiddlewareStack(HandshakeGate(inner))


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
