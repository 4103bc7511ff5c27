"""The README's run command on a fresh clone: `make run PORT=<port>` on the embedded default
(SQLite, in-memory channel layer), nothing set in the environment, no catalogue compiled and no
model trained beforehand. A Spanish-speaking browser gets the sign-in page and the scripts'
catalogue in Spanish.

The learned detector's model, the one build product the test takes from this checkout, comes
from its cache when `make test` has trained it (about a minute saved); else the clone trains it.

The clone is of the checkout's HEAD (what a person cloning the repository gets); its `.venv` is
a link to this checkout's installed environment, and the install step is taken as done
(`make -o`), so the test installs nothing."""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from testkit.servers import ROOT, free_port

pytestmark = pytest.mark.integration

# Migrating SQLite, seeding the demo, compiling the catalogues (about 40 s on an idle machine).
READY_SECONDS = 170
# What the test keeps of the parent's environment: nothing that names a server or a setting.
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def _get(url: str, **headers) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (a local test server)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, response.read().decode()


def _wait(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make run exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(OSError):
            if _get(url)[0] == 200:
                return
        time.sleep(0.5)
    tail = log.read_text()[-4000:]
    pytest.fail(f"make run served nothing at {url} in {READY_SECONDS} s:\n{tail}")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    target = tmp_path / "trellis"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    (target / ".venv").symlink_to(Path(sys.executable).parent.parent)
    return target


def test_make_run_on_a_fresh_clone_serves_spanish(clone: Path, tmp_path: Path):
    assert not list(clone.rglob("*.mo")), "a compiled catalogue is committed"
    port = free_port()
    env = {key: os.environ[key] for key in KEPT if key in os.environ}
    if (ROOT / ".cache" / "moderation").is_dir():
        env["MODERATION_LEARNED_CACHE_DIR"] = str(ROOT / ".cache" / "moderation")
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "-o", ".venv/.installed", "run", f"PORT={port}"],
            cwd=clone,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/accounts/login/", process, log)
        status, html = _get(f"{base}/accounts/login/", **{"Accept-Language": "es-MX,es;q=0.9"})
        assert status == 200
        assert '<html lang="es">' in html
        assert "Inicia sesión en Trellis" in html
        assert "Sign in to Trellis" not in html

        status, script = _get(f"{base}/jsi18n/", **{"Accept-Language": "es"})
        assert status == 200
        found = re.search(r"const newcatalog = (\{.*?\});", script, re.S)
        assert found, script[:500]
        assert json.loads(found.group(1))["to a student\u0004Write something first."] == (
            "Primero escribe algo."
        )

        # English still for a browser that asks for it, on the same server.
        _status, english = _get(f"{base}/accounts/login/", **{"Accept-Language": "en"})
        assert '<html lang="en">' in english
        assert "Sign in to Trellis" in english
        # The demo's sign-in address names the port it serves on.
        assert f"Sign in at {base}/accounts/login/" in log.read_text()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
