"""Moderation in the send path: stored verdicts, review items, held messages, the pending path
with the model worker, restarts, an unavailable model and a backlog (FAULTS.md 15, 16)."""

import datetime
import itertools

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import AuditEntry, District
from actions.messages import message_send
from messaging import selectors
from messaging.models import Message
from messaging.realtime import staff_group, user_group
from moderation.models import DistrictModeration, ModerationRecord, ReviewItem, ScorerStatus
from moderation.pipeline import get_pipeline
from moderation.selectors import moderation_health
from moderation.services import messages_screen_pending

_ids = itertools.count(1)


def send(user, conversation, body):
    return message_send(
        sender=user, conversation_id=conversation.pk, client_id=f"m{next(_ids)}", body=body
    ).message


def visible_to(user, conversation):
    rows, _ = selectors.messages_after(user=user, conversation=conversation, after_seq=0)
    return [m.pk for m in rows]


def message_events(events, group):
    return [e["message"]["state"] for g, e in events if g == group and e["type"] == "message"]


# -- inline verdicts -------------------------------------------------------------------------------


def test_clean_message_is_delivered_after_its_verdict_is_stored(
    conversation, mentor, student, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(mentor, conversation, "Great job on the robotics build!")
    message.refresh_from_db()
    verdict = ModerationRecord.objects.get(message=message)
    assert (message.state, verdict.action, verdict.categories) == ("delivered", "deliver", [])
    assert verdict.scorer == "profanity_check"
    assert "model.toxicity" in verdict.scores
    assert not ReviewItem.objects.exists()
    assert message_events(events, user_group(student.pk)) == ["delivered"]
    assert message_events(events, user_group(mentor.pk)) == ["delivered"]


def test_held_message_reaches_only_its_sender(
    conversation, mentor, student, moderator, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(mentor, conversation, "what's your snap? don't tell your mom")
    message.refresh_from_db()
    assert message.state == "held"
    verdict = ModerationRecord.objects.get(message=message)
    assert (verdict.action, verdict.categories, verdict.priority) == (
        "hold",
        ["contact_info", "grooming"],
        "high",
    )
    item = ReviewItem.objects.get(message=message)
    assert (item.priority, item.priority_rank, item.categories, item.status) == (
        "high",
        2,
        ["contact_info", "grooming"],
        "open",
    )
    assert item.district_id == conversation.district_id
    # The student never sees it, by history or by event; the sender and staff do hear of it.
    assert visible_to(student, conversation) == []
    assert visible_to(mentor, conversation) == [message.pk]
    assert message_events(events, user_group(student.pk)) == []
    assert message_events(events, user_group(mentor.pk)) == ["held"]
    staff = [e for g, e in events if g == staff_group(conversation.district_id)]
    # The review console's event (moderation.review.items.review_item_open): ids and codes, no text.
    assert [(e["type"], e["item"]["id"], e["action"]) for e in staff] == [
        ("review.item", item.pk, "hold")
    ]
    assert "body" not in staff[0]
    assert "body" not in staff[0]["item"]
    assert (
        AuditEntry.objects.filter(action="moderation.verdict", target_id=str(message.pk)).count()
        == 1
    )


def test_self_harm_is_delivered_and_urgent_for_staff(
    conversation, mentor, student, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(student, conversation, "honestly I don't want to be alive anymore")
    message.refresh_from_db()
    assert message.state == "flagged"
    item = ReviewItem.objects.get(message=message)
    assert (item.priority, item.priority_rank, item.categories) == ("urgent", 3, ["self_harm"])
    # The mentor gets the message and, after it, the guidance card (docs/moderation.md, "Crisis
    # response"; tests/moderation/test_crisis.py).
    guidance = Message.objects.get(conversation=conversation, kind="guidance")
    assert visible_to(mentor, conversation) == [message.pk, guidance.pk]
    assert message_events(events, user_group(mentor.pk)) == ["delivered", "flagged"]


def test_district_keywords_apply_to_their_district_only(
    conversation, mentor, make_district, make_program, make_user
):
    from moderation.models import KeywordRule

    KeywordRule.objects.create(
        district_id=conversation.district_id, phrase="Hollow Creek", category="grooming",
        action="hold",
    )  # fmt: skip
    message = send(mentor, conversation, "the trail by h0llow creek is nice")
    message.refresh_from_db()
    assert message.state == "held"
    other = make_district()
    KeywordRule.objects.create(district=other, phrase="robotics", category="toxicity")
    message = send(mentor, conversation, "robotics club tomorrow")
    message.refresh_from_db()
    assert message.state == "delivered"


def test_rolled_back_send_leaves_no_verdict_or_review_item(conversation, mentor, events):
    from django.db import transaction

    def send_then_fail():
        with transaction.atomic():
            send(mentor, conversation, "text me at 415 555 0100")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        send_then_fail()
    assert not ModerationRecord.objects.exists()
    assert not ReviewItem.objects.exists()
    assert events == []


# -- the model worker ------------------------------------------------------------------------------


@pytest.fixture
def lenient(conversation):
    """A district threshold the tiny random model (scores near 0.5) never reaches."""
    return DistrictModeration.objects.create(
        district_id=conversation.district_id, toxicity_threshold=0.99
    )


def test_pending_until_the_worker_scores_it(
    use_detoxify, lenient, conversation, mentor, student, events,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        message = send(mentor, conversation, "hello you are great")
    message.refresh_from_db()
    assert message.state == "pending"
    assert not ModerationRecord.objects.filter(message=message).exists()
    assert visible_to(student, conversation) == []
    assert message_events(events, user_group(student.pk)) == []
    assert message_events(events, user_group(mentor.pk)) == ["pending"]
    # The job was written with the message (database backend), on the moderation queue.
    assert DBTaskResult.objects.filter(queue_name="moderation").count() == 1
    assert moderation_health()["queue_depth"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        result = messages_screen_pending()
    assert (result.scored, result.waiting, result.sent_to_review) == (1, 0, 0)
    message.refresh_from_db()
    verdict = ModerationRecord.objects.get(message=message)
    assert (message.state, verdict.action, verdict.scorer) == ("delivered", "deliver", "detoxify")
    assert set(verdict.scores) == {
        "model.toxicity", "model.severe_toxicity", "model.obscene", "model.threat",
        "model.insult", "model.identity_attack",
    }  # fmt: skip
    assert visible_to(student, conversation) == [message.pk]
    assert message_events(events, user_group(student.pk)) == ["delivered"]
    assert ScorerStatus.objects.get(scorer="detoxify").state == "ready"


def test_a_verdict_reached_while_the_student_was_away_comes_with_their_resume(
    use_detoxify, lenient, conversation, mentor, student
):
    """The student's client passed seq 1 while it was pending (not theirs to see yet); the verdict
    takes a new change number, so resuming with after_change brings the delivered message."""
    message = send(mentor, conversation, "hello you are great")
    page = selectors.resume_page(
        user=student, conversation=conversation, after_seq=0, limit=50, after_change=0
    )
    assert (page["messages"], page["through_seq"], page["through_change"]) == ([], 1, 1)
    messages_screen_pending()
    page = selectors.resume_page(
        user=student, conversation=conversation, after_seq=1, limit=50, after_change=1
    )
    assert [(c["message"]["id"], c["message"]["state"]) for c in page["changes"]] == [
        (message.pk, "delivered")
    ]
    assert page["through_change"] == 2


def test_model_scores_above_the_district_threshold_flag(
    use_detoxify, conversation, student, mentor
):
    DistrictModeration.objects.create(district_id=conversation.district_id, toxicity_threshold=0.01)
    message = send(student, conversation, "hello")
    messages_screen_pending()
    message.refresh_from_db()
    verdict = ModerationRecord.objects.get(message=message)
    assert (message.state, verdict.action, verdict.categories) == ("flagged", "flag", ["toxicity"])
    assert verdict.reasons[0]["detector"] == "toxicity_model"


def test_a_district_threshold_per_label_and_the_language_are_stored_on_the_verdict(
    use_detoxify, conversation, student, mentor
):
    DistrictModeration.objects.create(
        district_id=conversation.district_id,
        toxicity_threshold=1.0,
        toxicity_thresholds={"insult": 0.0},
    )
    message = send(student, conversation, "hola profe, ¿cómo le fue hoy en el trabajo?")
    messages_screen_pending()
    verdict = ModerationRecord.objects.get(message=message)
    assert (verdict.action, verdict.categories) == ("flag", ["toxicity"])
    assert verdict.reasons[0]["reason"].startswith("model score insult ")
    assert verdict.language == "es"
    assert verdict.policy_version == get_pipeline().policy_version
    # Without the per-label bar the district's 1.0 flags nothing.
    DistrictModeration.objects.filter(district_id=conversation.district_id).update(
        toxicity_thresholds={}
    )
    other = send(student, conversation, "hello, how was work today?")
    messages_screen_pending()
    verdict = ModerationRecord.objects.get(message=other)
    assert (verdict.action, verdict.categories, verdict.language) == ("deliver", [], "en")
    assert verdict.signals == []


def test_a_weak_grooming_signal_is_stored_on_a_delivered_verdict(conversation, mentor):
    message = send(mentor, conversation, "¿A qué hora llegan tus papás?")
    verdict = ModerationRecord.objects.get(message=message)
    assert (verdict.action, verdict.categories) == ("deliver", [])
    assert [s["signal"] for s in verdict.signals] == ["schedule"]
    assert ReviewItem.objects.filter(message=message).count() == 0


def test_rules_decide_at_once_when_they_already_flag_or_hold(use_detoxify, conversation, mentor):
    message = send(mentor, conversation, "add me on discord")
    message.refresh_from_db()
    assert message.state == "held"
    assert ModerationRecord.objects.get(message=message).scorer == ""


def test_immediate_backend_scores_right_after_commit(
    use_detoxify, lenient, settings, conversation, mentor, student, events,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "moderation"],
        }
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = send(mentor, conversation, "hello you are great")
    assert len(callbacks) >= 1
    message.refresh_from_db()
    assert message.state == "delivered"
    assert message_events(events, user_group(student.pk)) == ["delivered"]


def test_restart_finishes_pending_messages_oldest_first_and_idempotently(
    use_detoxify, lenient, conversation, mentor, student, events,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # Sent while no worker ran (the jobs sit in the table): then the worker comes back.
    sent = [send(mentor if i % 2 else student, conversation, f"hello {i}") for i in range(5)]
    assert Message.objects.filter(state="pending").count() == 5
    with django_capture_on_commit_callbacks(execute=True):
        call_command("moderation_sweep", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Message.objects.filter(state="pending").count() == 0
    verdicts = list(ModerationRecord.objects.order_by("pk").values_list("message_id", flat=True))
    assert verdicts == [m.pk for m in sent]
    delivered = [e["message"]["id"] for g, e in events if g == user_group(student.pk)]
    assert delivered == [m.pk for m in sent]
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = messages_screen_pending()
    assert (result.scored, result.waiting) == (0, 0)
    assert ModerationRecord.objects.count() == 5
    assert events == []


def test_backlog_is_worked_oldest_first_in_bounded_batches(
    use_detoxify, lenient, conversation, mentor, caplog
):
    sent = [send(mentor, conversation, f"hello {i}") for i in range(5)]
    result = messages_screen_pending(batch_size=2, max_batches=1)
    assert result.scored == 2
    assert set(ModerationRecord.objects.values_list("message_id", flat=True)) == {
        sent[0].pk,
        sent[1].pk,
    }
    health = moderation_health()
    assert health["queue_depth"] == 3
    old = timezone.now() - datetime.timedelta(minutes=10)
    Message.objects.filter(pk=sent[2].pk).update(created_at=old)
    health = moderation_health()
    assert health["status"] == "degraded"
    assert "moderation queue is behind" in health["problems"]
    assert health["oldest_pending_seconds"] >= 599
    # The worker raises the service-level alert, then works the oldest message first.
    messages_screen_pending(batch_size=1, max_batches=1)
    assert "ALERT moderation queue behind: depth=3" in caplog.text
    assert ModerationRecord.objects.filter(message=sent[2]).exists()
    assert not ModerationRecord.objects.filter(message=sent[3]).exists()


# -- the model unavailable (FAULTS 15) -------------------------------------------------------------


@pytest.mark.parametrize("fault", ["missing", "corrupt", "hang", "oom"])
def test_unavailable_model_waits_then_goes_to_human_review(
    fault, moderation_settings, tiny_checkpoint, tmp_path, conversation, mentor, student, events,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    _checkpoint, hf_dir = tiny_checkpoint
    if fault == "missing":
        moderation_settings(TOXICITY_SCORER="detoxify", DETOXIFY_CHECKPOINT=str(tmp_path / "no"))
    elif fault == "corrupt":
        broken = tmp_path / "broken.ckpt"
        broken.write_bytes(b"\x80\x04 not a checkpoint")
        moderation_settings(
            TOXICITY_SCORER="detoxify", DETOXIFY_CHECKPOINT=str(broken), DETOXIFY_HF_DIR=str(hf_dir)
        )
    elif fault == "hang":
        moderation_settings(
            TOXICITY_SCORER="tests.moderation.conftest.HangingScorer", MODEL_TIMEOUT_SECONDS=0.3
        )
    else:
        moderation_settings(TOXICITY_SCORER="tests.moderation.conftest.OutOfMemoryScorer")

    # Rules still run: contact details are held at once, model or not.
    held = send(mentor, conversation, "text me at 415 555 0100")
    held.refresh_from_db()
    assert held.state == "held"

    message = send(mentor, conversation, "see you thursday")
    message.refresh_from_db()
    assert message.state == "pending"
    result = messages_screen_pending()
    assert (result.scored, result.waiting, result.sent_to_review) == (0, 1, 0)
    message.refresh_from_db()
    assert message.state == "pending"  # not silently passed
    status = ScorerStatus.objects.get()
    assert status.state == "failed"
    assert status.error
    assert AuditEntry.objects.filter(action="moderation.scorer_unavailable").count() == 1
    health = moderation_health()
    assert health["status"] == "degraded"
    assert "toxicity scorer unavailable" in health["problems"]
    # One retry job is scheduled (database backend supports run_after), not one per failure.
    retries = DBTaskResult.objects.filter(queue_name="moderation", run_after__isnull=False)
    assert retries.count() == 1
    assert messages_screen_pending().waiting == 1
    assert retries.count() == 1

    # Past the time limit: human review under the district's policy (hold by default).
    later = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = messages_screen_pending(now=later)
    assert result.sent_to_review == 1
    message.refresh_from_db()
    assert message.state == "held"
    verdict = ModerationRecord.objects.get(message=message)
    assert verdict.action == "hold"
    assert verdict.scorer == ""
    assert verdict.reasons[-1]["reason"] == "toxicity scoring unavailable: sent to human review"
    item = ReviewItem.objects.get(message=message)
    assert (item.priority, item.categories) == ("normal", [])
    assert visible_to(student, conversation) == []
    assert message_events(events, user_group(student.pk)) == []
    # The alert is raised once, not once per retry.
    assert AuditEntry.objects.filter(action="moderation.scorer_unavailable").count() == 1


def test_unscored_policy_flag_delivers_and_queues(
    moderation_settings, tmp_path, conversation, mentor, student
):
    District.objects.filter(pk=conversation.district_id).update(unscored_policy="flag")
    moderation_settings(TOXICITY_SCORER="detoxify", DETOXIFY_CHECKPOINT=str(tmp_path / "none"))
    message = send(mentor, conversation, "see you thursday")
    messages_screen_pending(now=timezone.now() + datetime.timedelta(hours=1))
    message.refresh_from_db()
    assert message.state == "flagged"
    assert visible_to(student, conversation) == [message.pk]
    assert ReviewItem.objects.filter(message=message).count() == 1


def test_scorer_recovery_finishes_waiting_messages(
    moderation_settings, tiny_checkpoint, tmp_path, lenient, conversation, mentor
):
    checkpoint, hf_dir = tiny_checkpoint
    moderation_settings(TOXICITY_SCORER="detoxify", DETOXIFY_CHECKPOINT=str(tmp_path / "gone"))
    message = send(mentor, conversation, "see you thursday")
    assert messages_screen_pending().waiting == 1
    moderation_settings(DETOXIFY_CHECKPOINT=str(checkpoint), DETOXIFY_HF_DIR=str(hf_dir))
    assert messages_screen_pending().scored == 1
    message.refresh_from_db()
    assert message.state == "delivered"
    assert ScorerStatus.objects.get().state == "ready"
    assert AuditEntry.objects.filter(action="moderation.scorer_recovered").count() == 1


def test_health_endpoint_shows_scorer_and_queue(client, conversation, mentor, use_detoxify):
    send(mentor, conversation, "hello there")
    body = client.get("/healthz").json()
    moderation = body["checks"]["moderation"]
    assert (moderation["scorer"], moderation["queue_depth"]) == ("detoxify", 1)
    assert moderation["scorer_state"] == "unknown"


@pytest.mark.parametrize(
    "body",
    [
        "my digits: four one five, five five five, zero one nine nine",
        "4 1 5 . 5 5 5 . 0 1 9 9",
        "write me at jo dot park at gmail dot com",
        "I'm on sn\u200bapchat as @jo.park_11",
        "instagram.com/jo.park_11",
        "let's meet at the mall on saturday, just us",
    ],
)
def test_fault_20_pii_dressed_up_is_held(body, conversation, mentor, student):
    message = send(mentor, conversation, body)
    message.refresh_from_db()
    assert message.state == "held"
    assert visible_to(student, conversation) == []
    assert ReviewItem.objects.get(message=message).priority == "high"


@pytest.mark.parametrize(
    "body",
    [
        "I am gay",
        "I'm a proud Black Muslim girl",
        "my sister is a lesbian and my brother is trans",
        "As a disabled kid I need the ramp",
        "I hate Mondays",
    ],
)
def test_identity_words_pass_with_the_lightweight_model(body, conversation, student, mentor):
    message = send(student, conversation, body)
    message.refresh_from_db()
    assert message.state == "delivered"
    assert ModerationRecord.objects.get(message=message).scorer == "profanity_check"
    assert visible_to(mentor, conversation) == [message.pk]


def test_the_lightweight_model_still_flags_an_insult_next_to_an_identity_word(
    conversation, student
):
    message = send(student, conversation, "shut up you gay loser")
    message.refresh_from_db()
    verdict = ModerationRecord.objects.get(message=message)
    assert (message.state, verdict.categories) == ("flagged", ["toxicity"])


def test_a_failing_detector_sends_the_message_to_review_and_others_still_run(
    moderation_settings, settings, conversation, mentor, student
):
    from moderation.pipeline import _cached

    moderation_settings(
        DETECTORS=[
            {"NAME": "tests.moderation.conftest.BrokenDetector"},
            {"NAME": "moderation.detectors.contact.ContactInfoDetector"},
        ],
        TOXICITY_SCORER="none",
    )
    _cached.cache_clear()
    try:
        flagged = send(mentor, conversation, "boom goes the volcano project")
        held = send(mentor, conversation, "boom, text me at 415 555 0100")
        fine = send(mentor, conversation, "nice volcano project")
    finally:
        _cached.cache_clear()
    for m in (flagged, held, fine):
        m.refresh_from_db()
    assert (flagged.state, held.state, fine.state) == ("flagged", "held", "delivered")
    reasons = ModerationRecord.objects.get(message=flagged).reasons
    assert reasons == [
        {
            "detector": "broken",
            "category": None,
            "reason": "detector broken failed on this message",
            "span": None,
            "score": 0.0,
        }
    ]


def test_logs_carry_ids_not_message_text(conversation, mentor, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    body = "my secret number is 415 555 0100, Priya"
    message = send(mentor, conversation, body)
    assert f"message={message.pk}" in caplog.text
    assert "415 555 0100" not in caplog.text
    assert "Priya" not in caplog.text
