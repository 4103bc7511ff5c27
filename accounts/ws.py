"""Socket gate: runs after Channels' session and auth middleware, before any consumer.

A signed-in user whose session is not live (accounts.sessions.session_is_live: idle past its
timeout, revoked, disabled user, or an adult who has not passed the second factor) reaches the
consumer as AnonymousUser, which the consumer refuses at the handshake. `scope["session_key"]`
carries the key the consumer re-checks on each event and on a timer.
"""

import logging

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from .sessions import session_admit_socket

logger = logging.getLogger(__name__)


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
