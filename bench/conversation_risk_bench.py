"""Cost of conversation-level grooming risk (docs/moderation.md, Conversation-level risk).

    .venv/bin/python bench/conversation_risk_bench.py [--seconds 3] [--skip-db]

Measures, on one core:
- `extract`: the weak-signal lexicons (English and Spanish) over one message, on the benign
  conversations of the test suite mixed with grooming phrasings;
- `score`: the pure window score for windows of 10, 50 and 200 signal-bearing messages;
- with a database (DATABASE_URL, migrated): what a send pays inside its transaction
  (`message_signals_record`, for a message with a signal) and what the after-commit check costs
  (`conversation_risk_check`: one indexed window read, the score, the item update), for
  conversations holding 10, 50 and 200 signal rows. Everything it writes is rolled back.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _texts() -> list[str]:
    from testkit.benign_conversations import CONVERSATIONS
    from testkit.conversation_signal_phrasings import SIGNALS

    texts = [body for _, lines in CONVERSATIONS for _, body in lines]
    texts += [t for fams in SIGNALS.values() for ts in fams.values() for t in ts]
    return texts


def extract_rate(seconds: float) -> dict:
    from moderation.conversation_signals import extract

    texts = _texts()
    extract(texts[0])  # compile the lexicons once, as the first message of a process does
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            extract(text)
        done += len(texts)
    elapsed = time.perf_counter() - started
    return {"messages": done, "us_per_message": round(elapsed / done * 1e6, 1)}


def _verdict(message) -> list[dict]:
    """Store the message's verdict with the weak signals the pipeline finds in it (outside the
    timed part: the window reads them from there) and return them."""
    from moderation.conversation_signals import extract
    from moderation.models import ModerationRecord

    weak = [hit.as_dict() for hit in extract(message.body)]
    ModerationRecord.objects.create(message=message, action="deliver", weak_signals=weak)
    return weak


def _window(n: int, now: datetime.datetime):
    from moderation.conversation_risk import Signal, WindowMessage

    families = ["supervision", "monitoring", "special_bond", "age", "gifts_money", "elsewhere"]
    return [
        WindowMessage(
            message_id=i,
            at=now - datetime.timedelta(hours=i * 300 / n),
            sender_id=1,
            sender_role="mentor",
            sender_is_adult=True,
            to_student=True,
            to_minor=True,
            signals=(Signal(families[i % len(families)], f"s{i % 3}", 0.7),),
        )
        for i in range(n)
    ]


def score_rate(seconds: float, sizes: list[int]) -> dict:
    from moderation.conversation_risk import conversation_risk

    now = datetime.datetime.now(datetime.UTC)
    result = {}
    for n in sizes:
        window = _window(n, now)
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds / len(sizes):
            conversation_risk(window, now=now)
            done += 1
        result[n] = {"us_per_check": round((time.perf_counter() - started) / done * 1e6, 1)}
    return result


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def db_costs(sizes: list[int], repeats: int) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import District, GuardianConsent, Program, School, Screening, User
    from messaging import services as messaging
    from messaging.models import Message
    from moderation.models import ConversationSignal, ReviewItem
    from moderation.services import conversation_risk_check, message_signals_record

    result = {}
    # One trivial round trip, for scale: on a loaded machine every query costs this much.
    samples = []
    with connection.cursor() as cursor:
        for _ in range(50):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            samples.append(time.perf_counter() - started)
    result["select_1_ms"] = _median_ms(samples)
    with transaction.atomic():
        district = District.objects.create(name="Bench district", slug="bench-convrisk")
        school = School.objects.create(district=district, name="Bench school")
        program = Program.objects.create(
            school=school, name="Bench", start_date=timezone.localdate()
        )
        staff = User.objects.create_user(
            username="bench-coord", role="coordinator", district=district
        )
        for size in sizes:
            mentor = User.objects.create_user(
                username=f"bench-m{size}", role="mentor", district=district
            )
            student = User.objects.create_user(
                username=f"bench-s{size}", role="student", district=district, is_minor=True
            )
            GuardianConsent.objects.create(
                student=student, guardian_name="G", recorded_by=staff, recorded_at=timezone.now()
            )
            Screening.objects.create(
                mentor=mentor,
                recorded_by=staff,
                background_check_cleared_on=timezone.localdate(),
                orientation_completed_on=timezone.localdate(),
            )
            match = messaging.match_activate(
                match=messaging.match_create(program=program, mentor=mentor, student=student)
            )
            conversation = match.conversation
            record_costs = []
            for i in range(size):
                message = Message.objects.create(
                    conversation=conversation,
                    sender=mentor,
                    seq=i + 1,
                    client_id=f"b{i}",
                    body="is anyone else reading this?" if i % 2 else "you're so mature",
                    body_sha256="x",
                    state="delivered",
                )
                weak = _verdict(message)
                started = time.perf_counter()
                message_signals_record(message=message, weak_signals=weak)
                record_costs.append(time.perf_counter() - started)
            assert ConversationSignal.objects.filter(conversation=conversation).count() == size
            with CaptureQueriesContext(connection) as recorded:
                started = time.perf_counter()
                conversation_risk_check(conversation_id=conversation.pk)
                opening_ms = (time.perf_counter() - started) * 1000
            check_queries = len(recorded)
            check_costs = []
            for _ in range(repeats):
                started = time.perf_counter()
                conversation_risk_check(conversation_id=conversation.pk)
                check_costs.append(time.perf_counter() - started)
            with CaptureQueriesContext(connection) as recorded:
                conversation_risk_check(conversation_id=conversation.pk)
            repeat_queries = len(recorded)
            message = Message.objects.create(
                conversation=conversation,
                sender=mentor,
                seq=size + 1,
                client_id="b-last",
                body="what time do your parents get home?",
                body_sha256="x",
                state="delivered",
            )
            weak = _verdict(message)
            with CaptureQueriesContext(connection) as recorded:
                message_signals_record(message=message, weak_signals=weak)
            record_queries = len(recorded)
            result[size] = {
                "record_ms_in_send_transaction": _median_ms(record_costs),
                "record_queries": record_queries,
                "check_ms_opening_the_item": round(opening_ms, 2),
                "check_queries_opening_the_item": check_queries,
                "check_ms_nothing_new": _median_ms(check_costs),
                "check_queries_nothing_new": repeat_queries,
                "pattern_items": ReviewItem.objects.filter(conversation=conversation).count(),
            }
        transaction.set_rollback(True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--skip-db", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    result = {
        "extract": extract_rate(args.seconds),
        "score": score_rate(args.seconds, [10, 50, 200]),
    }
    if not args.skip_db:
        result["database"] = db_costs([10, 50, 200], args.repeats)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
