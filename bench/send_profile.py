"""Where one send's time and statements go, phase by phase, in-process on PostgreSQL.

    DATABASE_URL=postgres://... REDIS_URL=redis://... \\
        .venv/bin/python -m bench.send_profile [--sends 200] [--group]

Seeds one 1:1 match (or a group of five with --group) in <DATABASE_URL's name>_bench, sends
`--sends` plain messages through `actions.messages.message_send` after a few warm-up sends, and
prints per phase the mean milliseconds (time inside the phase, nested phases subtracted) and the
statements it ran. The phases are found by name in the modules of the send path, so the same
script measures the code as it is: a phase whose function does not exist reads as absent.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections import defaultdict

from bench.ws_load import Seeder, bench_django

# (phase, module, function names): the first name the module has is wrapped.
PHASES = (
    ("membership", "actions.messages", ("access_conversation_members", "access_conversation_as_member")),  # noqa: E501
    ("idempotency", "actions.messages", ("message_existing",)),
    ("screening: context", "moderation.services", ("message_context", "screening_context")),
    ("screening: context", "actions.messages", ("screening_context",)),
    ("screening: scorer", "moderation.scorers.registry", ("score",)),
    ("numbering/insert", "actions.messages", ("message_insert",)),
    ("verdict", "moderation.services", ("verdict_store",)),
    ("screening: rules", "moderation.services", ("message_screen",)),
    ("screening: rules", "actions.messages", ("message_screen",)),
    ("verdict", "actions.messages", ("screening_store",)),
    ("notify", "actions.messages", ("notify_message",)),
)  # fmt: skip


class Profile:
    def __init__(self):
        self.ms = defaultdict(float)
        self.statements = defaultdict(int)
        self.stack: list[list] = []  # [phase, started, child seconds]

    def wrap(self, phase: str, func):
        def timed(*args, **kwargs):
            self.stack.append([phase, time.perf_counter(), 0.0])
            try:
                return func(*args, **kwargs)
            finally:
                name, started, children = self.stack.pop()
                spent = time.perf_counter() - started
                self.ms[name] += (spent - children) * 1000
                if self.stack:
                    self.stack[-1][2] += spent

        timed.__wrapped__ = func
        return timed

    def statement(self, execute, sql, params, many, context):
        phase = self.stack[-1][0] if self.stack else "transaction and other"
        self.statements[phase] += 1
        return execute(sql, params, many, context)


def install(profile: Profile) -> list[str]:
    import importlib

    wrapped = []
    for phase, module_name, names in PHASES:
        module = importlib.import_module(module_name)
        for name in names:
            func = getattr(module, name, None)
            if func is not None and not hasattr(func, "__wrapped__"):
                setattr(module, name, profile.wrap(phase, func))
                wrapped.append(f"{module_name}.{name}")
                break
    return wrapped


def run(sends: int, group: bool) -> dict:
    from django.db import connection

    from actions import messages

    seeder = Seeder()
    room = seeder.group(5) if group else seeder.pair()
    from accounts.models import User

    sender = User.objects.get(pk=room.members[0][0])
    for i in range(5):  # warm-up: pipeline, scorer, caches
        messages.message_send(
            sender=sender, conversation_id=room.conversation, client_id=f"w{i}", body="Hello!"
        )
    profile = Profile()
    wrapped = install(profile)
    total = 0.0
    cpu_started = time.process_time()
    with connection.execute_wrapper(profile.statement):
        for i in range(sends):
            started = time.perf_counter()
            messages.message_send(
                sender=sender,
                conversation_id=room.conversation,
                client_id=f"p{i}",
                body=f"See you on Thursday at the library, question {i}?",
            )
            total += time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    phase_ms = dict(profile.ms)
    other = total * 1000 - sum(phase_ms.values())
    result = {
        "sends": sends,
        "room": "group of 5" if group else "1:1 match",
        "ms_per_send": round(total * 1000 / sends, 3),
        # CPU time of this process (the phases' timers and statement counting included).
        "cpu_ms_per_send": round(cpu * 1000 / sends, 3),
        "phases": {
            name: {
                "ms": round(phase_ms.get(name, 0.0) / sends, 3),
                "statements": round(profile.statements.get(name, 0) / sends, 2),
            }
            for name in dict.fromkeys([p for p, _, _ in PHASES] + ["transaction and other"])
        },
        "wrapped": wrapped,
    }
    result["phases"]["transaction and other"]["ms"] = round(other / sends, 3)
    return result


def throughput(sends: int, concurrency: int, *, thread_sensitive: bool) -> dict:
    """Sends per second with `concurrency` senders in as many 1:1 matches, driven from an event
    loop as the consumer drives them: every send through channels' database_sync_to_async, on
    the one thread-sensitive executor thread, or (thread_sensitive=False) on a pool of threads,
    each with its own database connection."""
    import asyncio

    from channels.db import database_sync_to_async
    from django.db import connections

    from accounts.models import User
    from actions import messages

    seeder = Seeder()
    rooms = [seeder.pair() for _ in range(concurrency)]
    senders = [User.objects.get(pk=room.members[0][0]) for room in rooms]
    connections.close_all()
    send = database_sync_to_async(messages.message_send, thread_sensitive=thread_sensitive)
    tag = "s" if thread_sensitive else "p"

    async def sender(i: int):
        for n in range(sends // concurrency):
            await send(
                sender=senders[i],
                conversation_id=rooms[i].conversation,
                client_id=f"{tag}{n}",
                body=f"See you on Thursday at the library, question {n}?",
            )

    async def all_senders():
        await send(  # warm-up
            sender=senders[0], conversation_id=rooms[0].conversation, client_id="w", body="Hi"
        )
        started = time.perf_counter()
        await asyncio.gather(*(sender(i) for i in range(concurrency)))
        return time.perf_counter() - started

    seconds = asyncio.run(all_senders())
    done = sends // concurrency * concurrency
    return {
        "executor": "thread-sensitive" if thread_sensitive else "thread pool",
        "concurrency": concurrency,
        "sends": done,
        "sends_per_s": round(done / seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sends", type=int, default=200)
    parser.add_argument("--group", action="store_true", help="a group of five instead of a pair")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=0,
        help="instead of the phases: sends/s of this many concurrent senders, on the "
        "thread-sensitive executor and on a thread pool, alternately, twice each",
    )
    args = parser.parse_args(argv)
    if args.concurrency:
        with bench_django():
            for thread_sensitive in (True, False, True, False):
                print(
                    json.dumps(
                        throughput(args.sends, args.concurrency, thread_sensitive=thread_sensitive)
                    ),
                    flush=True,
                )
        return 0
    with bench_django(), contextlib.suppress(KeyboardInterrupt):
        result = run(args.sends, args.group)
        print(
            f"{result['room']}: {result['ms_per_send']} ms per send"
            f" ({result['cpu_ms_per_send']} ms CPU) over {result['sends']} sends"
        )
        print(f"{'phase':<24} {'ms':>8} {'statements':>11}")
        for name, row in result["phases"].items():
            print(f"{name:<24} {row['ms']:>8.3f} {row['statements']:>11.2f}")
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
