import io
import json
import sys

from django.core.management import call_command

INPUT = [
    {"text": "Great work on the essay!", "sender_role": "mentor"},
    {"text": "my number is 415 555 0100", "sender_role": "student"},
    {"text": "I want to kill myself", "sender_role": "student"},
    {"text": "you're an idiot", "sender_role": "student"},
    {"text": "keep this between us", "sender_role": "mentor"},
]


def run(lines: list[str], *args) -> list[dict]:
    stdin, stdout = sys.stdin, io.StringIO()
    sys.stdin = io.StringIO("\n".join(lines) + "\n")
    try:
        call_command("moderate", "--jsonl", *args, stdout=stdout)
    finally:
        sys.stdin = stdin
    return [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_moderate_jsonl_without_the_model_gives_exact_verdicts():
    out = run([json.dumps(x) for x in INPUT], "--no-ml")
    assert [(v["action"], v["categories"], v["priority"]) for v in out] == [
        ("deliver", [], "low"),
        ("hold", ["contact_info"], "high"),
        ("flag", ["self_harm"], "urgent"),
        ("flag", ["toxicity"], "normal"),
        ("hold", ["grooming"], "high"),
    ]
    assert out[0]["reasons"] == []
    assert out[0]["scores"] == {}
    assert [v["language"] for v in out] == ["en", "en", "en", "en", "en"]
    spans = [INPUT[1]["text"][slice(*r["span"])] for r in out[1]["reasons"]]
    assert spans == ["my number is", "415 555 0100"]
    assert [r["detector"] for r in out[1]["reasons"]] == ["contact_info", "contact_info"]
    assert out[1]["scores"] == {"contact_info": 0.95}
    assert all(
        set(v) == {"action", "categories", "priority", "reasons", "scores", "scored", "language"}
        for v in out
    )


def test_moderate_keeps_lines_aligned_on_bad_input():
    out = run(["not json", json.dumps({"sender_role": "student"}), json.dumps(INPUT[0])], "--no-ml")
    assert [v["action"] for v in out] == ["flag", "flag", "deliver"]
    assert out[0]["scored"] is False


def test_moderate_with_the_lightweight_scorer_records_model_scores(moderation_settings):
    moderation_settings(TOXICITY_SCORER="profanity_check")
    out = run([json.dumps(INPUT[0]), json.dumps({"text": "fuck off", "sender_role": "student"})])
    assert out[0]["action"] == "deliver"
    assert 0 <= out[0]["scores"]["model.toxicity"] < 0.5
    assert out[1]["action"] == "flag"
    assert out[1]["scores"]["model.toxicity"] >= 0.5
    assert out[0]["scored"] is True
