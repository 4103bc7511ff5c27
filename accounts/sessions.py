"""Signed-in sessions: registration, activity, idle timeout, sign-out and revocation.

One rule ties pages and sockets together: a session is live (`session_is_live`) while its Django
session exists and still names its user, the user is active, the session has not been idle longer
than its timeout, and, for an adult who needs a second factor, the session has passed it. The HTTP
middleware (accounts.middleware) and the socket middleware (accounts.ws) both ask this question;
the socket consumer asks it again on each client event and on a timer, so a session that ends
closes its sockets.

Sockets ask often (every frame a few seconds apart, and every 15 s), so a live answer is kept in
the cache (a key per session, `_live_key`) for at most LIVE_FOR seconds and never past the
session's idle deadline; every path that ends a session here (`session_end`,
`sessions_revoke_all`, `session_rekey`, and through them sign-out, the idle sweep, suspension,
disabling and credential resets) deletes the key at once and again after commit. A change made
behind the application's back (a row edited in the database) is noticed within LIVE_FOR.
Activity is written at most once every TOUCH_EVERY, and a socket frame inside that window costs
no query at all. A socket handshake on a session answered live from the cache costs one query,
the user's row (`session_socket_user`): a reconnecting class does not re-run the whole rule.
"""

import datetime
import hashlib
import logging
import math
import time
from collections import Counter
from importlib import import_module

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from .audit import audit_record
from .feed_keys import feed_key_revoke
from .models import Program, User, UserSession

logger = logging.getLogger(__name__)

# Activity is written at most this often per session: enough precision for minute-scale timeouts
# without a write on every request or socket frame.
TOUCH_EVERY = datetime.timedelta(seconds=60)
# Seconds a live answer is trusted from the cache without the database.
LIVE_FOR = 60.0

# messaging.models.Match.Status without "closed" (tests/accounts/test_layers_seams.py keeps the two
# in step): a match in one of these keeps its program's idle timeout on the user's sessions.
OPEN_MATCH_STATUSES = ("proposed", "active", "paused")

# Socket closes that could not be fanned out (counted into /healthz's events_failed).
stats: Counter[str] = Counter()


def user_sockets_group(user_id: int) -> str:
    """The channel-layer group every socket of a user joins (messaging.realtime.user_group is this
    group): closing a user's sockets is a sessions matter, so the name is defined here."""
    return f"user.{user_id}"


def _store(session_key: str | None) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)


def idle_timeout_for(user: User) -> int:
    """Seconds of inactivity after which the user's sessions end: the shortest
    `Program.idle_timeout_minutes` among the programs of the user's open matches, else the default
    (TRELLIS["IDLE_TIMEOUT_MINUTES"])."""
    # Through the reverse relation of messaging's Match (`Program.matches`): accounts imports
    # nothing above it. One filter() call, so every condition holds for the same match.
    shortest = Program.objects.filter(
        Q(matches__mentor=user) | Q(matches__student=user),
        matches__status__in=OPEN_MATCH_STATUSES,
    ).aggregate(m=Min("idle_timeout_minutes"))["m"]
    minutes = shortest if shortest else settings.TRELLIS["IDLE_TIMEOUT_MINUTES"]
    return int(minutes) * 60


def session_group(session_key: str) -> str:
    """The channel-layer group of one session's sockets (a hash: keys never leave the database)."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def _live_key(session_key: str) -> str:
    return "session.live." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def _live_cached(session_key: str) -> dict | None:
    """The cached live answer, if it may still be trusted; None: ask the database."""
    try:
        entry = cache.get(_live_key(session_key))
    except Exception:  # the cache (Redis) down: the database answers
        return None
    now = time.time()
    if not isinstance(entry, dict) or now >= entry["until"] or now - entry["checked"] >= LIVE_FOR:
        return None
    return entry


def _live_remember(row: UserSession) -> None:
    now = time.time()
    until = (row.last_seen_at + datetime.timedelta(seconds=row.idle_timeout_seconds)).timestamp()
    if until <= now:
        return
    entry = {
        "user": row.user_id,
        "until": until,
        "seen": row.last_seen_at.timestamp(),
        "checked": now,
    }
    try:
        cache.set(_live_key(row.session_key), entry, timeout=math.ceil(min(LIVE_FOR, until - now)))
    except Exception:
        logger.warning("session cache unavailable")


def session_live_forget(*session_keys: str) -> None:
    """Drop the cached live answers of these sessions, now and once the transaction commits (so
    that a check running in between cannot put back an answer the commit makes stale)."""
    keys = [_live_key(key) for key in session_keys if key]
    if not keys:
        return

    def forget() -> None:
        try:
            cache.delete_many(keys)
        except Exception:
            # Trusted for at most LIVE_FOR more seconds; the close event ends the sockets anyway.
            logger.warning("session cache unavailable; live answers expire by themselves")

    forget()
    transaction.on_commit(forget)


def session_register(*, session_key: str, user: User) -> UserSession:
    """Track a signed-in session (idempotent: an existing row is returned as it is)."""
    now = timezone.now()
    row, _ = UserSession.objects.get_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "idle_timeout_seconds": idle_timeout_for(user),
        },
    )
    return row


def session_rekey(*, old_key: str | None, new_key: str, user: User) -> UserSession:
    """Follow a session-key rotation (sign-in, second factor): the old key is dead."""
    if old_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).delete()
        session_live_forget(old_key)
    return session_register(session_key=new_key, user=user)


def _is_idle(row: UserSession, now: datetime.datetime) -> bool:
    return row.last_seen_at + datetime.timedelta(seconds=row.idle_timeout_seconds) <= now


def _passed_second_factor(user: User, data: SessionBase) -> bool:
    persistent_id = data.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed


def session_is_live(session_key: str | None) -> bool:
    """Whether the session may still be served (pages and sockets). Reads only; never raises for a
    bad key. See the module docstring for the rule (and for the cache that answers first)."""
    if not session_key or not isinstance(session_key, str):
        return False
    if _live_cached(session_key) is not None:
        return True
    row = _live_row(session_key)
    if row is None:
        return False
    _live_remember(row)
    return True


def _live_row(session_key: str) -> UserSession | None:
    """The session's row when the database says it is live, else None."""
    row = UserSession.objects.select_related("user").filter(session_key=session_key).first()
    if row is None or not _row_live(row, _store(session_key)):
        return None
    return row


def _row_live(row: UserSession, data: SessionBase) -> bool:
    """Whether the session of `row` (its user loaded), whose Django session data is `data`, is
    live now: see the module docstring."""
    user = row.user
    if not user.is_active or _is_idle(row, timezone.now()) or not _session_names(data, user):
        return False
    return not user.requires_second_factor or _passed_second_factor(user, data)


def _session_names(data: SessionBase, user: User) -> bool:
    """Whether the Django session `data` authenticates `user` (as django.contrib.auth.get_user
    checks it): the user's id, a configured backend, and the user's current password hash (a
    password change ends other sessions)."""
    if str(data.get(SESSION_KEY, "")) != str(user.pk):
        return False
    if data.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return False
    stored_hash = data.get(HASH_SESSION_KEY, "")
    return bool(stored_hash) and constant_time_compare(stored_hash, user.get_session_auth_hash())


def session_activity(*, session_key: str, user: User) -> bool:
    """Record activity of an authenticated session; False when it has ended instead (idle past
    its timeout, or the user disabled), in which case the session is ended here. Registers a
    session it has not seen yet. Does not look at the second factor (the sign-in pages need an
    adult's unverified session to continue)."""
    now = timezone.now()
    row = UserSession.objects.filter(session_key=session_key).first()
    if row is None:
        session_register(session_key=session_key, user=user)
        return True
    if _is_idle(row, now) or not user.is_active:
        reason = "idle_timeout" if user.is_active else "account_disabled"
        session_end(session_key=session_key, reason=reason)
        return False
    if now - row.last_seen_at >= TOUCH_EVERY:
        UserSession.objects.filter(session_key=session_key).update(last_seen_at=now)
    return True


def session_touch(session_key: str | None) -> bool:
    """For sockets: record activity (a frame the person sent) and answer `session_is_live`. An idle
    session is ended instead of touched. Within TOUCH_EVERY of the activity last written, a live
    answer from the cache is enough: nothing would be written."""
    if not session_key or not isinstance(session_key, str):
        return False
    cached = _live_cached(session_key)
    if cached is not None and time.time() - cached["seen"] < TOUCH_EVERY.total_seconds():
        return True
    row = UserSession.objects.select_related("user").filter(session_key=session_key).first()
    if row is None or not session_activity(session_key=session_key, user=row.user):
        return False
    session_live_forget(session_key)  # remembered again below, with the activity just written
    return session_is_live(session_key)


def session_admit_socket(*, session_key: str | None, user: User) -> bool:
    """The handshake's question: may this session open a socket? A Django session that
    authenticated but has no row yet (signed in before tracking, or in a test) is registered."""
    if not session_key or not user.is_authenticated:
        return False
    cached = _live_cached(session_key)
    if cached is not None and cached.get("user") == user.pk:
        return True  # another socket of the session was admitted within LIVE_FOR: no query
    if not UserSession.objects.filter(session_key=session_key).exists():
        if str(_store(session_key).get(SESSION_KEY, "")) != str(user.pk):
            return False
        session_register(session_key=session_key, user=user)
    return session_is_live(session_key)


def session_socket_user(*, session: SessionBase) -> User | None:
    """The handshake's one question, for the socket gate (accounts.ws): the user whose live
    session `session` (the handshake's Django session, loaded here if needed) is, with their
    district (for the socket's language); None when the session is not live or names no one.

    A session answered live from the cache within LIVE_FOR (another socket or check of it) costs
    one query, the user's row, which must still be active: the cache names the user, and every
    path that ends a session here (sign-out, suspension, disabling, credential resets) has
    deleted the cached answer. Otherwise it is the full rule (`session_is_live`) on the session's
    row, the Django session and, for an adult, the second-factor device; an authenticated
    session without a row yet is registered, as `session_admit_socket` does."""
    session_key = getattr(session, "session_key", None)
    if not session_key or not isinstance(session_key, str):
        return None
    cached = _live_cached(session_key)
    if cached is not None:
        return (
            User.objects.select_related("district")
            .filter(pk=cached["user"], is_active=True)
            .first()
        )
    row = (
        UserSession.objects.select_related("user__district").filter(session_key=session_key).first()
    )
    if row is None:
        user_id = session.get(SESSION_KEY)
        if not user_id:
            return None
        user = User.objects.select_related("district").filter(pk=user_id).first()
        if user is None or not _session_names(session, user):
            return None
        row = session_register(session_key=session_key, user=user)
    if not _row_live(row, session):
        return None
    _live_remember(row)
    return row.user


def close_user_sockets_after_commit(*, user_id: int, reason: str) -> None:
    """Ask every open socket of the user, in every server process, to close (suspension,
    sign-out, revoked session). Consumers handle the `trellis.close` event by closing."""
    transaction.on_commit(lambda: _close_now(user_id, reason))


def _close_now(user_id: int, reason: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            user_sockets_group(user_id), {"type": "trellis.close", "reason": reason}
        )
    except Exception:
        stats["closes_failed"] += 1
        logger.warning("socket close fan-out failed for user=%s", user_id)


def _close_session_sockets_after_commit(session_key: str, reason: str) -> None:
    group = session_group(session_key)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, {"type": "trellis.close", "reason": reason})
        except Exception:
            # The consumer's own re-check of session_is_live closes the socket anyway.
            logger.warning("session socket close fan-out failed reason=%s", reason)

    transaction.on_commit(send)


@transaction.atomic
def session_end(*, session_key: str, reason: str) -> None:
    """End one session: its Django session, its row, and (after commit) its sockets."""
    row = UserSession.objects.filter(session_key=session_key).first()
    _store(session_key).delete(session_key)
    UserSession.objects.filter(session_key=session_key).delete()
    session_live_forget(session_key)
    if row is not None:
        audit_record(
            action="session.ended",
            actor=row.user,
            target_type="user",
            target_id=row.user_id,
            detail={"reason": reason},
        )
    _close_session_sockets_after_commit(session_key, reason)


@transaction.atomic
def sessions_revoke_all(*, user: User, actor: User | None, reason: str) -> int:
    """Sign the user out everywhere: every tracked Django session is deleted, every socket of
    the user (in every server process) is told to close after commit, and their calendar feed key
    ends (accounts.feed_keys). Returns how many sessions.

    Untracked Django sessions of the user (none in normal operation: every authenticated request
    registers its session) are found through the session store when it is the database one."""
    keys = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    keys |= _untracked_session_keys(user)
    store = _store(None)
    for key in keys:
        store.delete(key)
    UserSession.objects.filter(user=user).delete()
    session_live_forget(*keys)
    audit_record(
        action="session.revoked_all",
        actor=actor,
        district_id=user.district_id,
        target_type="user",
        target_id=user.pk,
        detail={"reason": reason, "sessions": len(keys)},
    )
    close_user_sockets_after_commit(user_id=user.pk, reason=reason)
    feed_key_revoke(user=user, actor=actor, reason=reason)
    return len(keys)


def _untracked_session_keys(user: User) -> set[str]:
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return set()
    from django.contrib.sessions.models import Session

    keys = set()
    tracked = UserSession.objects.values_list("session_key", flat=True)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(
        session_key__in=tracked
    ):
        if str(session.get_decoded().get(SESSION_KEY, "")) == str(user.pk):
            keys.add(session.session_key)
    return keys


def sessions_end_idle(*, now: datetime.datetime | None = None) -> int:
    """End every session idle past its timeout (periodic): its sockets close even if no page or
    frame arrives to notice. Returns how many."""
    now = now or timezone.now()
    ended = 0
    for row in UserSession.objects.only("session_key", "last_seen_at", "idle_timeout_seconds"):
        if _is_idle(row, now):
            session_end(session_key=row.session_key, reason="idle_timeout")
            ended += 1
    return ended
