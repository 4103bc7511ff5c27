"""Debug mode only when asked for, and never Django's technical 404 page (which lists every URL
pattern of the site and names the view that raised), not even in debug mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import AuditEntry
from testkit.sessions import login_verified

ROOT = Path(__file__).resolve().parents[2]
TECHNICAL = ("Using the URLconf", "staff/", "admin/", "DEBUG = True", "Raised by")


def _debug_with(env_debug: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if env_debug is not None:
        env["DEBUG"] = env_debug
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_is_off_unless_asked_for():
    assert not (ROOT / ".env").exists() or "DEBUG" not in (ROOT / ".env").read_text()
    assert _debug_with(None) == "False"
    assert _debug_with("false") == "False"
    assert _debug_with("true") == "True"


def _assert_plain(response) -> None:
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    for leak in TECHNICAL:
        assert leak not in html, leak


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_url_gets_the_plain_page(client, settings, debug):
    settings.DEBUG = debug
    _assert_plain(client.get("/no/such/page/"))


@pytest.mark.parametrize("debug", [True, False])
def test_a_404_raised_by_a_view_gets_the_plain_page_and_is_still_audited(
    client, settings, student, debug
):
    settings.DEBUG = debug
    login_verified(client, student)
    _assert_plain(client.get("/conversations/987654/"))
    entry = AuditEntry.objects.get(action="access.denied")
    assert (entry.actor_ref, entry.detail["status"]) == (student.pk, 404)


def test_the_api_still_answers_its_own_json_404(client, settings, student):
    settings.DEBUG = True
    login_verified(client, student)
    response = client.get("/api/conversations/987654/messages/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "detail": "No such conversation."}}


def test_a_missing_slash_is_still_redirected(client, settings, moderator):
    settings.DEBUG = True
    login_verified(client, moderator)
    response = client.get("/staff")
    assert (response.status_code, response["Location"]) == (301, "/staff/")
