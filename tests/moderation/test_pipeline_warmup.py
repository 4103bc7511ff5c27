"""The server process loads the moderation pipeline and the inline scorer before it serves."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = (
    "import config.asgi; from moderation.scorers import registry; "
    "print(registry.status['state'], registry.configured_name())"
)


def _start(**env) -> list[str]:
    env = {**os.environ, "LOG_LEVEL": "WARNING", **env}
    result = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_asgi_application_loads_the_inline_scorer_at_start():
    assert _start(MODERATION_TOXICITY_SCORER="profanity_check") == ["ready", "profanity_check"]


def test_a_model_scored_in_the_worker_is_not_loaded_by_the_server(tmp_path):
    """Detoxify runs in the worker (not inline): the web process only builds the rules."""
    state = _start(
        MODERATION_TOXICITY_SCORER="detoxify", DETOXIFY_CHECKPOINT=str(tmp_path / "none.ckpt")
    )
    assert state == ["not_loaded", "detoxify"]
