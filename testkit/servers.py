"""Real ASGI server processes for integration tests, browser tests and benchmarks.

Each server binds 127.0.0.1 on a free port, points at the database and Redis given to it, is
bounded in time (killed when the `with` block ends or the deadline passes) and logs to a file.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The application closes frames over 64 KiB with 1009 (messaging.consumers). Daphne's own limit
# sits above it, because daphne drops an oversized connection without a close frame; uvicorn's
# websockets implementation closes with 1009 itself, so it gets the application's limit.
DAPHNE_FRAME_LIMIT = 1024 * 1024
FRAME_LIMIT = 64 * 1024


def free_port() -> int:
    """A free port on 127.0.0.1: one of TRELLIS_SERVER_PORTS ("8600-8699") when it is set (a
    machine whose users each keep to a range of ports), else any the system picks."""
    first, _, last = os.environ.get("TRELLIS_SERVER_PORTS", "").partition("-")
    candidates = list(range(int(first), int(last or first) + 1)) if first else [0]
    # In random order: a port handed out but not yet bound by its server must not come again.
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError(f"no free port in TRELLIS_SERVER_PORTS={first}-{last}")


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database in tests)."""
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@dataclass
class Server:
    kind: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _command(kind: str, port: int, app: str, connect_timeout: float | None = None) -> list[str]:
    if kind == "daphne":
        extra = ["--websocket_connect_timeout", str(connect_timeout)] if connect_timeout else []
        # Daphne through config.serve, which builds the event loop TRELLIS_EVENT_LOOP names.
        return [
            str(BIN / "python"),
            "-m",
            "config.serve",
            *extra,
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "--websocket-max-message-size",
            str(DAPHNE_FRAME_LIMIT),
            "--websocket-max-frame-size",
            str(DAPHNE_FRAME_LIMIT),
            app,
        ]
    if kind == "uvicorn":
        return [
            str(BIN / "uvicorn"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws-max-size",
            str(FRAME_LIMIT),
            "--no-access-log",
            "--log-level",
            "warning",
            app,
        ]
    if kind == "runserver":
        # Daphne's runserver, for the browser tests (static files come from the app, WhiteNoise).
        return [str(BIN / "python"), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    raise ValueError(kind)


def _wait_ready(server: Server, timeout: float, health_path: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.kind} exited early:\n{server.log_text()[-3000:]}")
        url = f"{server.http}{health_path}"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            if response.status in (200, 503):
                return
        time.sleep(0.2)
    raise RuntimeError(f"{server.kind} not ready in {timeout}s:\n{server.log_text()[-3000:]}")


@contextlib.contextmanager
def run_servers(
    kinds: list[str],
    *,
    env: dict[str, str],
    lifetime: float = 600,
    ready_timeout: float = 60,
    app: str = "config.asgi:application",
    health_path: str = "/healthz",
    connect_timeout: float | None = None,
) -> Iterator[list[Server]]:
    """Start one server per entry of `kinds`; stop them all on exit or after `lifetime` seconds.
    `connect_timeout`: seconds daphne gives a websocket handshake (its default is 5)."""
    logdir = Path(tempfile.mkdtemp(prefix="trellis-servers-"))
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    servers: list[Server] = []
    try:
        for i, kind in enumerate(kinds):
            port = free_port()
            log = logdir / f"{i}-{kind}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    _command(kind, port, app, connect_timeout),
                    cwd=ROOT,
                    env=full_env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            servers.append(Server(kind, port, process, log))
        for server in servers:
            _wait_ready(server, ready_timeout, health_path)
        # A watchdog, so that a hung test never leaves servers behind.
        timer = threading.Timer(lifetime, lambda: [_stop(s) for s in servers])
        timer.daemon = True
        timer.start()
        try:
            yield servers
        finally:
            timer.cancel()
    finally:
        for server in servers:
            _stop(server)


def _stop(server: Server) -> None:
    if server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(5)


def wait_for_other_sessions_to_end(connection, timeout: float = 10) -> None:
    """After stopping servers: wait until their database sessions are gone, so that the test
    database can be flushed or dropped without 'being accessed by other users'."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND application_name NOT LIKE 'pytest%%'"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)
