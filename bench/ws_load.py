"""Websocket load on 127.0.0.1: Trellis' user socket against a bare Channels broadcast consumer
and a peer chat product (django-private-chat2, bench/peer_chat.py).

    DATABASE_URL=postgres://... REDIS_URL=redis://... \\
        .venv/bin/python -m bench.ws_load [--clients 200] [--duration 20] [--rounds 3] \\
        [--server daphne|uvicorn ...] [--layer core|pubsub ...] [--target trellis|echo|peer ...]

N clients (default 200) in pairs and groups of five, spread over two server processes that share
PostgreSQL and the Redis channel layer. Every client sends a message, waits until its own message
comes back through the server (closed loop), and sends the next, for --duration seconds. The same
rooms then run against bench/echo_asgi.py (no auth, no database) on the same servers and layer.
With the peer among the targets every room is a pair (the peer is one-to-one only), and the
targets run one after the other, --rounds times, so that a change in the machine's load touches
all of them alike; the ratios of Trellis' msg/s to the others' are printed per round.

Prints, per run: messages/s (sent and echoed to the sender), deliveries/s (to the other members),
p50/p99 send-to-receive latency at the other members, lost and duplicated deliveries (must be 0).
A database named <DATABASE_URL's name>_bench is created for the run and dropped afterwards.
Every server binds 127.0.0.1 on a free port and is stopped at the end (or by a watchdog).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import itertools
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from bench import peer_chat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

LAYERS = {
    "core": "channels_redis.core.RedisChannelLayer",
    # The production default: the pub/sub layer with a bounded queue per socket (messaging.layers).
    "pubsub": "messaging.layers.BoundedPubSubChannelLayer",
}
GROUP_SIZE = 5


# -- the bench database ---------------------------------------------------------------------------


def _bench_database(url: str) -> tuple[str, str]:
    """(URL of the bench database, URL of the maintenance database)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "trellis"
    bench = urlunsplit(parts._replace(path=f"/{name}_bench"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    return bench, admin


def _recreate(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


@contextlib.contextmanager
def bench_django() -> Iterator[str]:
    """Create <DATABASE_URL's name>_bench, set Django up on it and yield its URL; drop it at the
    end (database sessions of the servers included)."""
    database_url, admin_url = _bench_database(os.environ["DATABASE_URL"])
    name = urlsplit(database_url).path.lstrip("/")
    _recreate(admin_url, name)
    try:
        os.environ["DATABASE_URL"] = database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.db import connections

        try:
            yield database_url
        finally:
            connections.close_all()
    finally:
        _recreate(admin_url, name, drop_only=True)


@dataclass
class Room:
    conversation: int
    members: list[tuple[int, str]]  # (user id, session cookie)


class Seeder:
    """One district, school and program for a run; people (cleared, with live sessions) and their
    conversations are added to it."""

    def __init__(self):
        from django.core.management import call_command
        from django.utils import timezone

        from accounts.models import District, Program, School, User

        call_command("migrate", verbosity=0)
        self.tag = uuid.uuid4().hex[:8]
        self.district = District.objects.create(name=f"Bench {self.tag}", slug=f"bench-{self.tag}")
        school = School.objects.create(district=self.district, name="Bench school")
        self.program = Program.objects.create(
            school=school,
            name="Bench",
            start_date=timezone.localdate() - datetime.timedelta(days=7),
        )
        self.staff = User.objects.create_user(
            username=f"bench-coord-{self.tag}", role=User.Role.COORDINATOR, district=self.district
        )
        self._counter = itertools.count()

    def person(self, role: str):
        from django.utils import timezone

        from accounts.models import GuardianConsent, Screening, User

        user = User.objects.create_user(
            username=f"bench-{role}-{self.tag}-{next(self._counter)}",
            role=role,
            district=self.district,
            is_minor=role == User.Role.STUDENT,
            display_name=f"Bench {role}",
        )
        if role == User.Role.STUDENT:
            GuardianConsent.objects.create(
                student=user, guardian_name="G", recorded_by=self.staff, recorded_at=timezone.now()
            )
        elif role == User.Role.MENTOR:
            Screening.objects.create(
                mentor=user,
                recorded_by=self.staff,
                background_check_cleared_on=timezone.localdate(),
                orientation_completed_on=timezone.localdate(),
            )
        return user

    def pair(self) -> Room:
        """An active mentor and student match: members[0] is the mentor."""
        from accounts.models import User
        from messaging import services
        from testkit.sessions import session_cookie

        mentor, student = self.person(User.Role.MENTOR), self.person(User.Role.STUDENT)
        match = services.match_create(program=self.program, mentor=mentor, student=student)
        services.match_activate(match=match)
        return Room(match.conversation.pk, [(u.pk, session_cookie(u)) for u in (mentor, student)])

    def group(self, size: int) -> Room:
        from accounts.models import User
        from messaging import services
        from testkit.sessions import session_cookie

        mentors = [self.person(User.Role.MENTOR) for _ in range(max(1, size * 2 // 5))]
        students = [self.person(User.Role.STUDENT) for _ in range(size - len(mentors))]
        conversation = services.group_conversation_create(
            program=self.program, title="Bench group", mentors=mentors, students=students
        )
        return Room(conversation.pk, [(u.pk, session_cookie(u)) for u in mentors + students])

    def rooms(self, clients: int) -> list[Room]:
        """Rooms for `clients` sockets: half in pairs, the rest in groups of (mostly) five."""
        in_pairs = (clients // 2) // 2 * 2
        rooms = [self.pair() for _ in range(in_pairs // 2)]
        left = clients - in_pairs
        while left >= 2:
            size = min(GROUP_SIZE, left) if left - GROUP_SIZE != 1 else GROUP_SIZE - 1
            rooms.append(self.group(size))
            left -= size
        return rooms


def seed(clients: int) -> list[Room]:
    """Districts, people (cleared), conversations and sessions for `clients` sockets."""
    return Seeder().rooms(clients)


def server_env(*, database_url: str, prefix: str, layer: str, conn_max_age: int) -> dict:
    """Environment for the bench's server processes (the real limits unless the caller adds any)."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "CHANNEL_LAYER_BACKEND": LAYERS[layer],
        "CHANNEL_LAYER_PREFIX": prefix,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": str(conn_max_age),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile_ms(sorted_seconds: list[float], p: float) -> float | None:
    """The p-quantile (0..1) of ascending durations in seconds, in milliseconds."""
    if not sorted_seconds:
        return None
    return round(
        sorted_seconds[min(len(sorted_seconds) - 1, int(p * len(sorted_seconds)))] * 1000, 1
    )


# -- the load -------------------------------------------------------------------------------------


@dataclass
class Tally:
    sent: dict[tuple, float] = field(default_factory=dict)  # message key -> send time
    expected: dict[tuple, int] = field(default_factory=dict)  # message key -> other members
    received: Counter = field(default_factory=Counter)  # (message key, recipient) -> times
    latencies: list[float] = field(default_factory=list)
    first_seen: dict[tuple, float] = field(default_factory=dict)  # (message key, recipient) -> time
    echoed: int = 0
    errors: Counter = field(default_factory=Counter)
    # Seconds from opening the connection to the first frame (Trellis: the hello) or the accept.
    handshakes: list[float] = field(default_factory=list)


async def _client(
    *,
    target: str,
    server,
    room: Room,
    member: int,
    tally: Tally,
    start: float,
    stop: float,
    rate: float,
    client_index: int = 0,
    connect_over: float = 0.0,
):
    from websockets.asyncio.client import connect

    user_id, cookie = room.members[member]
    me = user_id if target in ("trellis", "peer") else f"{room.conversation}:{member}"
    if target == "trellis":
        url = server.ws
    elif target == "peer":
        url = f"ws://127.0.0.1:{server.port}/chat_ws"
    else:
        url = f"ws://127.0.0.1:{server.port}/bench/{room.conversation}/"
    headers = [("Cookie", f"sessionid={cookie}")] if target in ("trellis", "peer") else []
    own = asyncio.Event()
    # The peer's random id of the message this client waits for (closed loop).
    waiting_for: list[int | None] = [None]
    # Client ids are unique per sender for good: a repeated one would be a resend.
    run_tag = f"{start:.3f}"
    await asyncio.sleep(random.random() * connect_over)
    opened = time.perf_counter()
    async with connect(url, origin=server.http, additional_headers=headers, max_size=2**22) as ws:
        if target == "trellis":
            hello = json.loads(await ws.recv())
            assert hello["type"] == "hello", hello
        tally.handshakes.append(time.perf_counter() - opened)

        async def reader():
            async for frame in ws:
                now = time.perf_counter()
                event = json.loads(frame)
                if target == "peer":
                    kind, key = peer_chat.parse(event)
                    if kind == "stored":
                        if key[1] == waiting_for[0]:
                            tally.echoed += 1
                            own.set()
                        continue
                    if kind != "delivery":
                        continue
                elif target == "trellis":
                    if event["type"] != "message":
                        if event["type"] in ("error", "rate_limited"):
                            tally.errors[event.get("code", event["type"])] += 1
                            own.set()
                        continue
                    key = (event["message"]["sender"], event["message"]["client_id"])
                else:
                    key = (event["from"], event["id"])
                if key[0] == me and target != "peer":
                    tally.echoed += 1
                    own.set()
                    continue
                tally.received[(key, me)] += 1
                if tally.received[(key, me)] == 1:
                    tally.first_seen[(key, me)] = now
                    if key in tally.sent:
                        tally.latencies.append(now - tally.sent[key])

        reading = asyncio.create_task(reader())
        # Open loop (--rate): a fixed interval from a random phase. Closed loop: the next message
        # goes when the previous one came back.
        interval = 1 / rate if rate > 0 else 0.0
        phase = random.random() * interval
        await asyncio.sleep(max(0.0, start + phase - time.perf_counter()))
        n = 0
        while time.perf_counter() < stop:
            cid = f"{run_tag}-{me}-{n}"
            if target == "peer":
                cid = -(client_index * peer_chat.RANDOM_ID_SPAN + n + 1)
                waiting_for[0] = cid
            key = (me, cid)
            own.clear()
            tally.sent[key] = time.perf_counter()
            tally.expected[key] = len(room.members) - 1
            if target == "peer":
                other = room.members[1 - member][0]
                frame = peer_chat.frame(recipient=other, random_id=cid, text=f"bench {n}")
            elif target == "trellis":
                frame = {
                    "type": "send",
                    "conversation": room.conversation,
                    "client_id": cid,
                    "body": f"bench {n}",
                }
            else:
                frame = {"from": me, "id": cid, "body": f"bench {n}"}
            await ws.send(json.dumps(frame))
            if interval:
                await asyncio.sleep(
                    max(0.0, start + phase + (n + 1) * interval - time.perf_counter())
                )
            else:
                try:
                    await asyncio.wait_for(own.wait(), 10)
                except TimeoutError:
                    tally.errors["own_timeout"] += 1
            n += 1
        await asyncio.sleep(max(0.0, stop + 5 - time.perf_counter()))  # last deliveries land
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reading


async def _load(
    *,
    target: str,
    servers,
    rooms: list[Room],
    duration: float,
    rate: float,
    warmup: float = 0,
    connect_over: float = 0,
    profile: str | None = None,
    profile_mode: str = "gil",
) -> dict:
    tally = Tally()
    # Every socket connects, and its connection work (session, limits, the hello's database read)
    # is done, before anyone sends.
    start = time.perf_counter() + 3 + connect_over + warmup
    stop = start + duration
    tasks = []
    index = 0
    for room in rooms:
        for member in range(len(room.members)):
            server = servers[index % len(servers)]
            index += 1
            tasks.append(
                _client(
                    target=target,
                    server=server,
                    room=room,
                    member=member,
                    tally=tally,
                    start=start,
                    stop=stop,
                    rate=rate,
                    client_index=index,
                    connect_over=connect_over,
                )
            )
    cpu = asyncio.create_task(_server_cpu(servers, start, stop, profile, profile_mode))
    results = await asyncio.gather(*tasks, return_exceptions=True)
    cpu_seconds = await cpu
    failures = [r for r in results if isinstance(r, BaseException)]
    expected_pairs = sum(tally.expected.values())
    unique = sum(1 for c in tally.received.values() if c >= 1)
    duplicates = sum(c - 1 for c in tally.received.values() if c > 1)
    lat = sorted(tally.latencies)
    handshakes = sorted(tally.handshakes)
    # Latency by when the message was sent, in 5 s slices: a tail from the start (sockets still
    # settling in) reads differently from one spread over the run.
    by_slice: dict[int, list[float]] = {}
    for (key, _recipient), seen in tally.first_seen.items():
        if key in tally.sent:
            index_ = int((tally.sent[key] - start) // 5)
            by_slice.setdefault(index_, []).append(seen - tally.sent[key])
    slices = {
        f"{5 * i}-{5 * i + 5}s": [percentile_ms(sorted(v), 0.5), percentile_ms(sorted(v), 0.99)]
        for i, v in sorted(by_slice.items())
    }
    return {
        "target": target,
        "clients": index,
        "messages": len(tally.sent),
        "messages_per_s": round(tally.echoed / duration, 1),
        "deliveries_per_s": round(unique / duration, 1),
        "p50_ms": percentile_ms(lat, 0.50),
        "p99_ms": percentile_ms(lat, 0.99),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        "lost": expected_pairs - unique,
        "duplicated": duplicates,
        "errors": dict(tally.errors),
        "client_failures": [repr(f)[:200] for f in failures[:3]],
        "failed_clients": len(failures),
        "handshake_p50_p99_max_ms": [
            percentile_ms(handshakes, 0.50),
            percentile_ms(handshakes, 0.99),
            round(handshakes[-1] * 1000, 1) if handshakes else None,
        ],
        "p50_p99_ms_by_send_time": slices,
        # CPU time of the server processes while the clients sent, per message their senders saw
        # back: what one message costs the servers (its deliveries included), less sensitive to
        # other work on the machine than wall-clock throughput.
        "server_cpu_s": round(cpu_seconds, 2),
        "server_cpu_ms_per_message": round(cpu_seconds * 1000 / tally.echoed, 2)
        if tally.echoed
        else None,
    }


def _py_spy() -> str:
    """py-spy: the dev dependency installs it next to the interpreter running the bench."""
    import shutil

    beside = os.path.join(os.path.dirname(sys.executable), "py-spy")
    return beside if os.path.exists(beside) else shutil.which("py-spy") or "py-spy"


async def _server_cpu(
    servers, start: float, stop: float, profile: str | None, profile_mode: str = "gil"
) -> float:
    """CPU seconds the servers used between `start` and `stop` (perf_counter times); with
    `profile` (a path prefix), py-spy records each server over the same window."""
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    before = sum(process_cpu_seconds(s.process.pid) for s in servers)
    spies = []
    if profile:
        spy = _py_spy()
        for i, s in enumerate(servers):
            command = [spy, "record", "--pid", str(s.process.pid), "--format", "raw"]
            command += ["--duration", str(int(stop - start)), "--output", f"{profile}-{i}.txt"]
            # No --idle, every thread, no native frames; "gil": only the thread holding the GIL
            # (Python's CPU time), "active": every thread not sleeping (includes waiting in
            # system calls and for a CPU on a loaded machine).
            command += ["--nonblocking", "--threads", "--rate", "200"]
            command += ["--gil"] if profile_mode == "gil" else []
            spies.append(
                await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.DEVNULL)
            )
    await asyncio.sleep(max(0.0, stop - time.perf_counter()))
    after = sum(process_cpu_seconds(s.process.pid) for s in servers)
    for spy_process in spies:
        await asyncio.wait_for(spy_process.wait(), 30)
    return after - before


def run(args) -> list[dict]:
    from testkit.servers import run_servers

    results = []
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(bench_django())
        from django.db import connections

        with_peer = "peer" in args.target
        if with_peer:
            # The peer is one-to-one only: every target gets the same pairs.
            seeder = Seeder()
            rooms = [seeder.pair() for _ in range(args.clients // 2)]
        else:
            rooms = seed(args.clients)
        connections.close_all()
        prefix = f"trellis_bench_{uuid.uuid4().hex[:6]}"
        peer_rooms: list[Room] = []
        peer_env: dict = {}
        if with_peer:
            peer_env = stack.enter_context(
                peer_chat.peer_project(
                    database_url=database_url,
                    redis_url=os.environ["REDIS_URL"],
                    prefix=f"{prefix}_peer",
                )
            )
            peer_rooms = [
                Room(i, members) for i, members in enumerate(peer_chat.seed(peer_env, len(rooms)))
            ]
        for round_, server_kind, layer in itertools.product(
            range(1, args.rounds + 1), args.server, args.layer
        ):
            for target in args.target:
                env = server_env(
                    database_url=database_url,
                    prefix=prefix,
                    layer=layer,
                    conn_max_age=args.conn_max_age,
                )
                # The benchmark measures the message path; the limiter still runs on every send.
                env.update(TRELLIS_SEND_RATE_PER_SECOND="100000", TRELLIS_SEND_BURST="100000")
                app = {
                    "trellis": "config.asgi:application",
                    "echo": "bench.echo_asgi:application",
                    "peer": "peer_asgi:application",
                }[target]
                if target == "peer":
                    env.update(peer_env, PEER_CHANNEL_LAYER=peer_chat.LAYERS[layer])
                with run_servers(
                    [server_kind, server_kind],
                    env=env,
                    app=app,
                    lifetime=args.duration + args.warmup + 120,
                ) as servers:
                    result = asyncio.run(
                        _load(
                            target=target,
                            servers=servers,
                            rooms=peer_rooms if target == "peer" else rooms,
                            duration=args.duration,
                            rate=args.rate,
                            warmup=args.warmup,
                            connect_over=args.connect_over,
                            profile=f"{args.profile}-{target}-{round_}" if args.profile else None,
                            profile_mode=args.profile_mode,
                        )
                    )
                result.update(
                    server=server_kind,
                    layer=layer,
                    rate=args.rate,
                    warmup=args.warmup,
                    round=round_,
                )
                results.append(result)
                print(json.dumps(result), flush=True)
    return results


def ratios(results: list[dict]) -> list[dict]:
    """Per round, server and layer: Trellis' msg/s divided by each other target's."""
    rows = []
    groups: dict[tuple, dict[str, float]] = {}
    for r in results:
        groups.setdefault((r["round"], r["server"], r["layer"]), {})[r["target"]] = r[
            "messages_per_s"
        ]
    for (round_, server, layer), rates in groups.items():
        trellis = rates.get("trellis")
        for other in ("peer", "echo"):
            if trellis is not None and rates.get(other):
                rows.append(
                    {
                        "round": round_,
                        "server": server,
                        "layer": layer,
                        "ratio": f"trellis/{other}",
                        "value": round(trellis / rates[other], 2),
                    }
                )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per run")
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="messages per second per client (open loop); 0: closed loop, as fast as it goes",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=10,
        help="seconds between connecting and the first send (the sockets' connection work)",
    )
    parser.add_argument(
        "--connect-over",
        type=float,
        default=0,
        help="seconds over which the clients connect, at random (0: all at once)",
    )
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE for the servers"
    )
    parser.add_argument("--server", nargs="+", default=["daphne"], choices=["daphne", "uvicorn"])
    parser.add_argument("--layer", nargs="+", default=["pubsub"], choices=sorted(LAYERS))
    parser.add_argument(
        "--target",
        nargs="+",
        default=["trellis", "peer", "echo"],
        choices=["trellis", "peer", "echo"],
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="times the targets run, one after the other"
    )
    parser.add_argument(
        "--profile",
        help="path prefix: record each server with py-spy (raw collapsed stacks) over the load",
    )
    parser.add_argument(
        "--profile-mode",
        default="gil",
        choices=["gil", "active"],
        help="py-spy samples: the thread holding the GIL (CPU in Python), or every thread "
        "not sleeping",
    )
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        parser.error("set DATABASE_URL (PostgreSQL) and REDIS_URL")
    if args.duration > 300:
        parser.error("--duration is at most 300 seconds")
    results = run(args)
    print()
    heads = ("round", "server", "layer", "target", "msg/s", "deliv/s", "p50 ms", "p99 ms")
    heads += ("lost", "dup", "cpu ms/msg")
    line = "{:>5} {:8} {:7} {:8} {:>8} {:>8} {:>7} {:>7} {:>5} {:>4} {:>10}"
    print(line.format(*heads))
    for r in results:
        row = (r["round"], r["server"], r["layer"], r["target"], r["messages_per_s"])
        row += (r["deliveries_per_s"], str(r["p50_ms"]), str(r["p99_ms"]), r["lost"])
        print(line.format(*row, r["duplicated"], str(r["server_cpu_ms_per_message"])))
    for row in ratios(results):
        print(json.dumps(row))
    bad = [r for r in results if r["lost"] or r["duplicated"] or r["client_failures"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
