"""The conversation page's script and style sheet on the documented production path: daphne started
as the README's "Running on PostgreSQL and Redis" says (no DEBUG), and with config.production
after `collectstatic`. Both must serve the files themselves (daphne serves no static files)."""

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from testkit.servers import ROOT, database_url, run_servers, wait_for_other_sessions_to_end
from testkit.sessions import session_cookie

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SOURCES = ROOT / "frontend" / "static" / "frontend"


def _env() -> dict[str, str]:
    return {
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CHANNEL_LAYER_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }


def _get(
    url: str, *, cookie_name: str = "", cookie: str = "", **headers
) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (a local test server)
    if cookie:
        request.add_header("Cookie", f"{cookie_name}={cookie}")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


def _assets(html: str) -> tuple[str, str]:
    script = re.search(r'<script type="module" src="([^"]+conversation[^"]*\.js)"', html)
    style = re.search(r'<link rel="stylesheet" href="([^"]+trellis[^"]*\.css)"', html)
    assert script, html[:2000]
    assert style, html[:2000]
    return script.group(1), style.group(1)


def _check_assets(base: str, html: str, **headers) -> None:
    script, style = _assets(html)
    for path, source, content_type in (
        (script, "conversation.js", "text/javascript"),
        (style, "trellis.css", "text/css"),
    ):
        status, got_headers, body = _get(base + path, **headers)
        assert status == 200, path
        assert got_headers["Content-Type"].split(";")[0] == content_type, path
        assert got_headers.get("X-Content-Type-Options") == "nosniff"
        assert body == (SOURCES / source).read_bytes(), path


async def test_the_documented_daphne_serves_the_conversation_pages_script_and_style(
    conversation, student, monkeypatch
):
    monkeypatch.delenv("DEBUG", raising=False)
    cookie = await database_sync_to_async(session_cookie)(student)
    with run_servers(["daphne"], env=_env(), lifetime=120) as (server,):
        status, _, page = await database_sync_to_async(_get)(
            f"{server.http}/conversations/{conversation.pk}/",
            cookie_name="sessionid",
            cookie=cookie,
        )
        assert status == 200
        html = page.decode()
        assert _assets(html) == ("/static/frontend/conversation.js", "/static/frontend/trellis.css")
        await database_sync_to_async(_check_assets)(server.http, html)
        # Debug mode is off: a missing page is the plain one.
        missing = urllib.request.Request(f"{server.http}/no/such/page/")  # noqa: S310
        with pytest.raises(urllib.error.HTTPError) as not_found:
            urllib.request.urlopen(missing, timeout=10)  # noqa: S310
        assert not_found.value.code == 404
        assert b"Using the URLconf" not in not_found.value.read()
    await database_sync_to_async(wait_for_other_sessions_to_end)(connection)


async def test_production_settings_serve_the_collected_files(
    conversation, student, tmp_path: Path, monkeypatch
):
    monkeypatch.delenv("DEBUG", raising=False)
    env = {
        **_env(),
        "DJANGO_SETTINGS_MODULE": "config.production",
        # The key the test's sessions were signed with.
        "SECRET_KEY": settings.SECRET_KEY,
        "AUDIT_HMAC_KEY": "a-test-only-audit-key-of-more-than-32-characters",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
        # Plain HTTP on a test port; the proxy in front would terminate TLS.
        "SECURE_SSL_REDIRECT": "false",
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr
    cookie = await database_sync_to_async(session_cookie)(student)
    with run_servers(["daphne"], env=env, lifetime=120) as (server,):
        status, _, page = await database_sync_to_async(_get)(
            f"{server.http}/conversations/{conversation.pk}/",
            cookie_name="__Host-trellis_session",
            cookie=cookie,
            **{"X-Forwarded-Proto": "https"},
        )
        assert status == 200
        html = page.decode()
        script, style = _assets(html)
        # Hashed names, so that browsers may cache them for ever.
        assert re.fullmatch(r"/static/frontend/conversation\.[0-9a-f]{12}\.js", script)
        assert re.fullmatch(r"/static/frontend/trellis\.[0-9a-f]{12}\.css", style)
        await database_sync_to_async(_check_assets)(
            server.http, html, **{"X-Forwarded-Proto": "https"}
        )
    await database_sync_to_async(wait_for_other_sessions_to_end)(connection)
