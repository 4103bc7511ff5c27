"""Session liveness answered from the cache: sockets ask on frames and every 15 s, and most
answers cost no query; every way a session ends here clears the cached answer at once."""

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import sessions
from accounts.models import UserSession
from testkit.sessions import login_verified


@pytest.fixture
def key(db, student):
    client = Client()
    login_verified(client, student)
    key = client.cookies["sessionid"].value
    sessions.session_register(session_key=key, user=student)  # as the first page or socket does
    return key


def _queries(func, *args) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = func(*args)
    return result, len(captured)


def test_a_live_answer_is_kept_in_the_cache(key):
    assert _queries(sessions.session_is_live, key)[0] is True
    assert _queries(sessions.session_is_live, key) == (True, 0)


def test_a_frame_within_a_minute_of_the_last_activity_costs_no_query(key):
    assert sessions.session_touch(key) is True
    assert _queries(sessions.session_touch, key) == (True, 0)
    assert _queries(sessions.session_is_live, key) == (True, 0)


def test_activity_is_written_again_after_a_minute(key, monkeypatch):
    assert sessions.session_touch(key) is True
    seen = UserSession.objects.get(session_key=key).last_seen_at
    later = time.time() + sessions.TOUCH_EVERY.total_seconds() + 1
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    UserSession.objects.filter(session_key=key).update(
        last_seen_at=seen - sessions.TOUCH_EVERY - sessions.TOUCH_EVERY
    )
    result, queries = _queries(sessions.session_touch, key)
    assert result is True
    assert queries > 0
    assert UserSession.objects.get(session_key=key).last_seen_at > seen


def test_a_cached_answer_is_not_trusted_past_the_idle_deadline(key):
    UserSession.objects.filter(session_key=key).update(idle_timeout_seconds=2)
    sessions.session_live_forget(key)
    assert sessions.session_is_live(key) is True
    time.sleep(2.1)
    assert sessions.session_is_live(key) is False


@pytest.mark.parametrize("how", ["end", "revoke_all", "rekey"])
def test_every_way_a_session_ends_clears_its_cached_answer(key, student, how):
    assert sessions.session_is_live(key) is True  # cached now
    if how == "end":
        sessions.session_end(session_key=key, reason="signed_out")
    elif how == "revoke_all":
        sessions.sessions_revoke_all(user=student, actor=None, reason="suspended")
    else:
        sessions.session_rekey(old_key=key, new_key="k" * 32, user=student)
    assert sessions.session_is_live(key) is False


def test_a_second_socket_of_a_live_session_is_admitted_without_a_query(key, student):
    assert sessions.session_admit_socket(session_key=key, user=student) is True
    with CaptureQueriesContext(connection) as captured:
        assert sessions.session_admit_socket(session_key=key, user=student) is True
    assert len(captured) == 0
