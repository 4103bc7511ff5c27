"""Shared fixtures: factories for the domain, and a capture of after-commit real-time events."""

import contextlib
import datetime
import itertools
import os

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import District, GuardianConsent, Program, School, Screening, User
from config.serve import event_loop_name
from messaging import realtime, sockets
from messaging import services as messaging
from moderation.district_settings import district_settings_cache_clear
from testkit.sessions import login_verified

_seq = itertools.count(1)

# The audit table's guards, installed by accounts/migrations/0004 on PostgreSQL (docs/security.md).
AUDIT_GUARD_TRIGGER = "accounts_auditentry_append_only"
AUDIT_TRUNCATE_TRIGGER = "accounts_auditentry_no_truncate"


def pytest_configure(config):
    # The suite is about real PostgreSQL and Redis; the embedded default is for the demo only.
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise pytest.UsageError(
            "Run the suite through `make test` (tests.services starts PostgreSQL and Redis), "
            "or set DATABASE_URL and REDIS_URL."
        )


# The servers that testkit starts run config.serve's default loop (uvloop); the tests in this
# process run on the standard loop unless TRELLIS_EVENT_LOOP says uvloop explicitly.
if os.environ.get("TRELLIS_EVENT_LOOP") and event_loop_name() == "uvloop":

    def pytest_asyncio_loop_factories(config, item):
        """TRELLIS_EVENT_LOOP=uvloop: the asynchronous tests run on uvloop, as config.serve runs
        daphne (defined only then: pytest-asyncio takes any definition as a loop choice)."""
        import uvloop

        return {"uvloop": uvloop.new_event_loop}


@pytest.fixture(autouse=True)
def _district_settings_cache():
    """Each test starts with an empty cache of district moderation settings: a database flushed
    between transactional tests may hand a new district an id (and version) seen before."""
    district_settings_cache_clear()
    yield
    district_settings_cache_clear()


@pytest.fixture
def make_district(db):
    def make(**kw) -> District:
        n = next(_seq)
        kw.setdefault("name", f"District {n}")
        kw.setdefault("slug", f"district-{n}")
        kw.setdefault("timezone", "America/Chicago")
        return District.objects.create(**kw)

    return make


@pytest.fixture
def district(make_district):
    return make_district()


@pytest.fixture
def make_program(db):
    def make(district: District, **kw) -> Program:
        school = School.objects.create(district=district, name=f"School {next(_seq)}")
        kw.setdefault("name", f"Program {next(_seq)}")
        kw.setdefault("start_date", timezone.localdate() - datetime.timedelta(days=7))
        return Program.objects.create(school=school, **kw)

    return make


@pytest.fixture
def program(make_program, district):
    return make_program(district)


@pytest.fixture
def make_user(db):
    def make(role: str, district: District, *, cleared: bool = True, **kw) -> User:
        n = next(_seq)
        kw.setdefault("username", f"{role}{n}")
        kw.setdefault("display_name", f"{role.title()} {n}")
        kw.setdefault("is_minor", role == User.Role.STUDENT)
        user = User.objects.create_user(
            role=role, district=district, password="pw-for-tests-only-1", **kw
        )
        if cleared:
            clear(user)
        return user

    return make


def clear(user: User) -> None:
    """Record what a person needs to take part: consent for minors, screening for mentors."""
    staff = User.objects.filter(district=user.district, role=User.Role.COORDINATOR).first()
    if staff is None:
        staff = User.objects.create_user(
            username=f"coord{next(_seq)}", role=User.Role.COORDINATOR, district=user.district
        )
    if user.is_minor or user.role == User.Role.STUDENT:
        GuardianConsent.objects.create(
            student=user, guardian_name="Guardian", recorded_by=staff, recorded_at=timezone.now()
        )
    if user.role == User.Role.MENTOR:
        Screening.objects.create(
            mentor=user,
            recorded_by=staff,
            background_check_cleared_on=timezone.localdate() - datetime.timedelta(days=3),
            orientation_completed_on=timezone.localdate() - datetime.timedelta(days=2),
        )


@pytest.fixture
def mentor(make_user, district):
    return make_user(User.Role.MENTOR, district)


@pytest.fixture
def student(make_user, district):
    return make_user(User.Role.STUDENT, district)


@pytest.fixture
def moderator(make_user, district):
    return make_user(User.Role.MODERATOR, district)


@pytest.fixture
def coordinator(make_user, district):
    return make_user(User.Role.COORDINATOR, district)


@pytest.fixture
def active_match(program, mentor, student):
    match = messaging.match_create(program=program, mentor=mentor, student=student)
    return messaging.match_activate(match=match)


@pytest.fixture
def conversation(active_match):
    return active_match.conversation


@pytest.fixture
def verified_login():
    """`verified_login(client, user)`: see login_verified."""
    return login_verified


@pytest.fixture
def events(monkeypatch):
    """Every real-time event sent after commit, as (group, event) pairs, in order."""
    sent: list[tuple[str, dict]] = []

    def capture(groups, event):
        sent.extend((g, event) for g in groups)

    monkeypatch.setattr(realtime, "_send_now", capture)
    return sent


@pytest.fixture(autouse=True)
def _send_pools_closed():
    """The send pool's threads keep their connections under the websocket communicator (which
    turns channels' cleanup off): closed after each test, so the test database can be flushed
    and dropped with no session left on it."""
    yield
    sockets.send_pools_shutdown()


@pytest.fixture
def fresh_limits():
    """Rate buckets and socket counts live in Redis, keyed by user id: a new test may reuse one."""
    import redis
    from django.conf import settings

    from messaging.limits import key_prefix

    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"{key_prefix()}:*"):
        client.delete(key)
    yield
    client.close()


@contextlib.contextmanager
def audit_guard_lifted():
    """Switch the audit table's append-only trigger off for the block, as only its owner or a
    superuser can (`ALTER TABLE`): what someone who tampers with the log directly would do first.
    Pending deferred constraint checks are run first, since PostgreSQL refuses to alter a table
    that has some queued."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE accounts_auditentry DISABLE TRIGGER {AUDIT_GUARD_TRIGGER}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE accounts_auditentry ENABLE TRIGGER {AUDIT_GUARD_TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Between transactional tests Django empties every table with one TRUNCATE, which the audit
    table refuses; the test database lets that one statement through (UPDATE and DELETE stay
    refused). `tests/accounts/test_audit.py` switches it back on to prove the refusal."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal",
            [AUDIT_TRUNCATE_TRIGGER],
        )
        if cursor.fetchone() is not None:
            cursor.execute(
                f"ALTER TABLE accounts_auditentry DISABLE TRIGGER {AUDIT_TRUNCATE_TRIGGER}"
            )


@pytest.fixture
def liveness_uncached(monkeypatch):
    """For a test that changes a session or its user behind the application's back (a row edited
    in the database, no sign-out, no close event): such a change is noticed once the cached live
    answer (accounts.sessions.LIVE_FOR) runs out, here at once."""
    from accounts import sessions

    monkeypatch.setattr(sessions, "LIVE_FOR", 0.0)


@pytest.fixture
def no_periodic_check(monkeypatch):
    """For a test that closes a socket by an event (sign-out, the idle sweep) and asserts the
    event's reason: the socket's own periodic check (first run at a random moment within
    SESSION_CHECK_SECONDS) could notice the ended session first and close it as `session_ended`."""
    from messaging import sockets

    monkeypatch.setattr(sockets, "SESSION_CHECK_SECONDS", 3600.0)
