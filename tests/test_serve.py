"""config.serve: daphne's event loop is the one TRELLIS_EVENT_LOOP names (docs/benchmarks.md)."""

import os
import subprocess
import sys

import pytest

from config.serve import event_loop_name

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What `python -m config.serve` does before handing over to daphne, then the loop daphne built.
PROBE = (
    "from config.serve import event_loop_name, event_loop_policy_install\n"
    "event_loop_policy_install(name=event_loop_name())\n"
    "import daphne.server\n"
    "loop = daphne.server.twisted_loop\n"
    "print(type(loop).__module__, type(loop).__name__)\n"
)


def _daphne_loop(value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TRELLIS_EVENT_LOOP"}
    if value is not None:
        env["TRELLIS_EVENT_LOOP"] = value
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("value", [None, "", "uvloop"])
def test_daphne_runs_on_uvloop_by_default(value):
    assert _daphne_loop(value) == "uvloop Loop"


@pytest.mark.parametrize("value", ["asyncio", " Asyncio "])
def test_the_setting_turns_uvloop_off(value):
    assert _daphne_loop(value).startswith("asyncio.")


def test_an_unknown_event_loop_is_refused():
    with pytest.raises(SystemExit, match="TRELLIS_EVENT_LOOP must be one of asyncio, uvloop"):
        event_loop_name({"TRELLIS_EVENT_LOOP": "tokio"})
