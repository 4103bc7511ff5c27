"""Where accounts stops importing messaging (docs/adr/0005-layers.md): the seams keep meaning the
same thing as the messaging code they stand for."""

from accounts import sessions
from messaging import realtime
from messaging.models import Match
from messaging.services import match_close


def test_open_match_statuses_are_every_status_but_closed():
    assert set(sessions.OPEN_MATCH_STATUSES) == set(Match.Status.values) - {Match.Status.CLOSED}


def test_user_sockets_group_is_the_group_messaging_delivers_to():
    assert realtime.user_group(42) == sessions.user_sockets_group(42) == "user.42"


def test_a_closed_match_no_longer_shortens_the_idle_timeout(active_match, student, settings):
    program = active_match.program
    program.idle_timeout_minutes = 5
    program.save()
    assert sessions.idle_timeout_for(student) == 300
    match_close(match=active_match, actor=None, reason="ended")
    assert sessions.idle_timeout_for(student) == settings.TRELLIS["IDLE_TIMEOUT_MINUTES"] * 60
