"""Run a command (the test suite) with real PostgreSQL and Redis.

Usage: python -m tests.services COMMAND [ARGS...]

DATABASE_URL and REDIS_URL, when set, name the servers to use (CI sets them to the machine's own).
Whichever is unset gets a throwaway server started here from the installed binaries (initdb/pg_ctl,
redis-server) on a free loopback port, removed afterwards. Where a binary is missing this stops
with a message saying what to install: tests that need a real service are never skipped.
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    sys.exit(f"tests.services: {what} did not start on port {port} within {timeout:.0f}s")


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        sys.exit(
            "tests.services: DATABASE_URL is not set and PostgreSQL's initdb/pg_ctl are not "
            "installed. Install PostgreSQL (Debian: apt-get install postgresql) or set "
            "DATABASE_URL to a server where the user may create databases."
        )
    root = Path(tempfile.mkdtemp(prefix="trellis-pg-"))
    data, port = root / "data", _free_port()
    prefix: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses to run as root: run the server as the postgres system user.
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            sys.exit(
                "tests.services: running as root needs a 'postgres' system user for a "
                "throwaway PostgreSQL; set DATABASE_URL instead."
            )
        os.chown(root, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/trellis"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if not binary:
        sys.exit(
            "tests.services: REDIS_URL is not set and redis-server is not installed. Install "
            "Redis (Debian: apt-get install redis-server) or set REDIS_URL."
        )
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_port(port, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def main(argv: list[str]) -> int:
    if not argv:
        sys.exit(__doc__)
    with contextlib.ExitStack() as stack:
        env = dict(os.environ)
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(throwaway_postgres())
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(throwaway_redis())
        print(
            f"tests.services: PostgreSQL {env['DATABASE_URL'].rsplit('@', 1)[-1]}, "
            f"Redis {env['REDIS_URL'].rsplit('@', 1)[-1]}",
            flush=True,
        )
        return subprocess.call(argv, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
