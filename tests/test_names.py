"""One name per concept: `Verdict` is the moderation pipeline's result (moderation.policy)."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("accounts", "messaging", "scheduling", "moderation", "programs", "actions", "frontend")
# The stored row is moderation.models.ModerationRecord (`message.verdict`).
ALLOWED = {"moderation/policy.py"}


def test_only_the_pipelines_result_is_called_verdict():
    defined = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            tree = ast.parse(path.read_text(), filename=relative)
            defined += [
                relative
                for node in ast.walk(tree)
                if isinstance(node, ast.ClassDef) and node.name == "Verdict"
            ]
    assert sorted(defined) == sorted(ALLOWED)
