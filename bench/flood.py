"""FAULTS 7 on real servers: one user sends 1,000 messages in a second; do the others notice?

    DATABASE_URL=postgres://... REDIS_URL=redis://... \\
        .venv/bin/python -m bench.flood [--clients 100] [--rate 0.1] [--duration 15] \\
        [--server daphne|uvicorn] [--frames 1000] [--spread 1] [--reconnect]

Two server processes share PostgreSQL and the Redis pub/sub channel layer and keep the real send
limits (settings.TRELLIS_REALTIME: a per-user token bucket of SEND_BURST refilled at
SEND_RATE_PER_SECOND; after RATE_LIMIT_STRIKES refusals within a minute the socket is closed with
4029 and the user reported to the district's moderators).

N background clients (bench.ws_load's pairs and groups of five, alternately on the two processes)
send open loop at --rate messages/s each, below the limit, through a warm-up, then phase A
(baseline, --duration seconds), then phase B (as long). The default, 100 clients at 0.1/s, is 10
messages/s: well below what the two processes carry on a 2-core machine, so that the baseline is
latency and not queueing (docs/benchmarks.md). --flood-at seconds into phase B, a mentor in a
match of his own writes --frames `send` frames evenly over --spread seconds; his socket is on the
first process (with half the background sockets), his student's on the second, and the student
sends at --partner-rate in the flooded conversation. The flooder runs in a separate process, so
that writing the flood does not delay the bench's own clock readings. A moderator of the district
listens on the staff socket.

Prints, per phase, the background clients' send-to-receive latency at the other members
(p50/p99/max), overall and by the process their sender's socket was on, messages/s, lost and
duplicated deliveries; the "flood window" row covers messages sent from the first flood frame until
two seconds after the flooder's socket closed, and a second-by-second table runs from 5 s before
the flood to 10 s after it. Then the flood: frames written, acks, rate_limited refusals, close
code(s), rows stored for the flooder against what the bucket allows, what his student received
(and the student's own round trip), the review item(s) and audit entries, and when the staff
socket heard of the item.

Exits 1 if any delivery was lost or duplicated, a background client was refused or failed, the
flooder got more stored than the bucket allows (burst + rate x seconds of flood), a flooder socket
was not closed with 4029, or no review item was opened. The bench database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor

from bench.ws_load import Room, Seeder, Tally, _client, bench_django, percentile_ms, server_env
from testkit.servers import run_servers

CLOSE_RATE_LIMIT = 4029  # messaging.consumers.CLOSE_RATE_LIMIT (not imported: no Django here)
CONNECT_SECONDS = 3  # every socket connects before anyone sends
DRAIN_SECONDS = 5  # deliveries later than this after the load stops count as lost
WINDOW_TAIL_SECONDS = 2
TIMELINE_BEFORE, TIMELINE_AFTER = 5, 10


def _headers(cookie: str) -> list[tuple[str, str]]:
    return [("Cookie", f"sessionid={cookie}")]


# -- the flooder (its own process) ----------------------------------------------------------------


def _flood_process(spec: dict) -> dict:
    return asyncio.run(_flood(**spec))


async def _flood(
    *,
    url: str,
    origin: str,
    cookie: str,
    conversation: int,
    flood_at: float,
    frames: int,
    spread: float,
    reconnect: bool,
    give_up_at: float,
) -> dict:
    """Write `frames` send frames evenly over `spread` seconds from `flood_at` (time.perf_counter:
    CLOCK_MONOTONIC, the same clock in every process on Linux). With `reconnect`, open a new socket
    whenever the server closes one, until every frame is written."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    sent_at: dict[str, float] = {}
    sockets: list[dict] = []
    n = 0
    first_write = None
    while n < frames and time.perf_counter() < give_up_at:
        record = {"written": 0, "acks": 0, "refused": 0, "errors": Counter()}
        record.update(close_code=None, closed_at=None, opened_at=time.perf_counter())
        sockets.append(record)
        try:
            async with connect(
                url, origin=origin, additional_headers=_headers(cookie), max_size=2**22
            ) as ws:
                hello = json.loads(await ws.recv())
                if hello.get("type") != "hello":
                    record["errors"][f"handshake:{hello.get('code')}"] += 1
                    break

                async def reader(ws=ws, record=record):
                    try:
                        async for frame in ws:
                            event = json.loads(frame)
                            kind = event.get("type")
                            if kind == "ack":
                                record["acks"] += 1
                            elif kind == "rate_limited":
                                record["refused"] += 1
                            elif kind == "error":
                                record["errors"][event.get("code")] += 1
                    except ConnectionClosed:
                        pass
                    record["closed_at"] = time.perf_counter()
                    record["close_code"] = ws.close_code

                reading = asyncio.create_task(reader())
                await asyncio.sleep(max(0.0, flood_at - time.perf_counter()))
                with contextlib.suppress(ConnectionClosed):
                    while n < frames:
                        delay = flood_at + spread * n / frames - time.perf_counter()
                        await asyncio.sleep(max(0.0, delay))  # 0: behind schedule, still yield
                        if reading.done():
                            break
                        cid = f"flood-{n}"
                        t = time.perf_counter()
                        await ws.send(
                            json.dumps(
                                {
                                    "type": "send",
                                    "conversation": conversation,
                                    "client_id": cid,
                                    "body": f"flood {n}",
                                }
                            )
                        )
                        first_write = first_write or t
                        sent_at[cid] = t
                        record["written"] += 1
                        n += 1
                # The server's answer to what was written: the close, or nothing until give_up_at.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        asyncio.shield(reading), max(0.1, give_up_at - time.perf_counter())
                    )
                reading.cancel()
        except (OSError, ConnectionClosed) as exc:
            record["errors"][f"connect:{type(exc).__name__}"] += 1
            break
        if not reconnect:
            break
    for record in sockets:
        record["errors"] = dict(record["errors"])
    return {
        "sockets": sockets,
        "sent_at": sent_at,
        "first_write": first_write,
        "last_write": max(sent_at.values(), default=None),
    }


# -- the flooder's student and the moderator (in the bench's own loop) ----------------------------


async def _partner(*, server, room: Room, start: float, stop: float, rate: float, out: dict):
    """The flooder's student: sends at `rate` like everyone else (its own round trip through the
    flooded conversation) and records each flood message it receives."""
    from websockets.asyncio.client import connect

    me, cookie = room.members[1]
    flooder = room.members[0][0]
    sent: dict[str, float] = {}
    out.update(flood_seen=Counter(), flood_first={}, rtt=[], own_sent=sent, own_back=Counter())
    async with connect(
        server.ws, origin=server.http, additional_headers=_headers(cookie), max_size=2**22
    ) as ws:
        assert json.loads(await ws.recv())["type"] == "hello"

        async def reader():
            async for frame in ws:
                now = time.perf_counter()
                event = json.loads(frame)
                if event["type"] != "message":
                    if event["type"] in ("error", "rate_limited"):
                        out.setdefault("errors", Counter())[event.get("code", event["type"])] += 1
                    continue
                message = event["message"]
                cid = message["client_id"]
                if message["sender"] == flooder:
                    out["flood_seen"][cid] += 1
                    out["flood_first"].setdefault(cid, now)
                elif message["sender"] == me:
                    out["own_back"][cid] += 1
                    if out["own_back"][cid] == 1 and cid in sent:
                        out["rtt"].append((sent[cid], now - sent[cid]))

        reading = asyncio.create_task(reader())
        interval = 1 / rate
        phase = random.random() * interval
        run_tag = uuid.uuid4().hex[:6]
        n = 0
        await asyncio.sleep(max(0.0, start + phase - time.perf_counter()))
        while time.perf_counter() < stop:
            cid = f"{run_tag}-partner-{n}"
            sent[cid] = time.perf_counter()
            frame = {"type": "send", "conversation": room.conversation, "client_id": cid}
            await ws.send(json.dumps(frame | {"body": f"bench {n}"}))
            n += 1
            await asyncio.sleep(max(0.0, start + phase + n * interval - time.perf_counter()))
        await asyncio.sleep(max(0.0, stop + DRAIN_SECONDS - time.perf_counter()))
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reading


async def _moderator(*, server, cookie: str, until: float, out: dict):
    """A district moderator on the staff socket: when does a rate_limit review item arrive?"""
    from websockets.asyncio.client import connect

    out["alerts"] = []
    url = f"ws://127.0.0.1:{server.port}/ws/staff/"
    async with connect(url, origin=server.http, additional_headers=_headers(cookie)) as ws:

        async def reader():
            async for frame in ws:
                event = json.loads(frame)
                item = event.get("item") or {}
                if event.get("type") != "review.item":
                    continue
                if "rate_limit" in item.get("categories", []):
                    out["alerts"].append((time.perf_counter(), item.get("id")))

        reading = asyncio.create_task(reader())
        await asyncio.sleep(max(0.0, until - time.perf_counter()))
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reading


# -- one run --------------------------------------------------------------------------------------


async def _bench(*, servers, rooms, flood_room, moderator_cookie, args) -> dict:
    tally = Tally()
    start = time.perf_counter() + CONNECT_SECONDS
    phase_a = start + args.warmup
    phase_b = phase_a + args.duration
    stop = phase_b + args.duration
    flood_at = phase_b + args.flood_at
    where: dict[int, int] = {}  # background user id -> index of its socket's server
    tasks = []
    index = 0
    for room in rooms:
        for member in range(len(room.members)):
            where[room.members[member][0]] = index % len(servers)
            tasks.append(
                _client(
                    target="trellis",
                    server=servers[index % len(servers)],
                    room=room,
                    member=member,
                    tally=tally,
                    start=start,
                    stop=stop,
                    rate=args.rate,
                )
            )
            index += 1
    partner: dict = {}
    moderator: dict = {}
    tasks.append(
        _partner(
            server=servers[1],
            room=flood_room,
            start=start,
            stop=stop,
            rate=args.partner_rate,
            out=partner,
        )
    )
    tasks.append(
        _moderator(
            server=servers[1],
            cookie=moderator_cookie,
            until=stop + DRAIN_SECONDS,
            out=moderator,
        )
    )
    spec = {
        "url": servers[0].ws,
        "origin": servers[0].http,
        "cookie": flood_room.members[0][1],
        "conversation": flood_room.conversation,
        "flood_at": flood_at,
        "frames": args.frames,
        "spread": args.spread,
        "reconnect": args.reconnect,
        "give_up_at": min(stop, flood_at + args.spread + 15),
    }
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        flooding = loop.run_in_executor(pool, _flood_process, spec)
        results = await asyncio.gather(*tasks, return_exceptions=True)
        flood = await flooding
    failures = [r for r in results if isinstance(r, BaseException)]
    return {
        "tally": tally,
        "where": where,
        "partner": partner,
        "moderator": moderator,
        "flood": flood,
        "failures": [repr(f)[:200] for f in failures[:3]],
        "clients": index,
        "times": {"a": phase_a, "b": phase_b, "stop": stop, "flood_at": flood_at},
    }


# -- figures --------------------------------------------------------------------------------------


def _phase(tally: Tally, arrivals: dict, keys: list[tuple], seconds: float) -> dict:
    expected = sum(tally.expected[k] for k in keys)
    latencies, unique, duplicated = [], 0, 0
    for key in keys:
        for count, seen in arrivals.get(key, ()):
            unique += 1
            duplicated += count - 1
            latencies.append(seen - tally.sent[key])
    latencies.sort()
    return {
        "messages": len(keys),
        "messages_per_s": round(len(keys) / seconds, 1) if seconds > 0 else None,
        "deliveries_per_s": round(unique / seconds, 1) if seconds > 0 else None,
        "p50_ms": percentile_ms(latencies, 0.50),
        "p99_ms": percentile_ms(latencies, 0.99),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "lost": expected - unique,
        "duplicated": duplicated,
    }


def summarize(run: dict, *, rate: float, burst: int, db: dict) -> dict:
    tally, where, times, flood = run["tally"], run["where"], run["times"], run["flood"]
    arrivals: dict[tuple, list] = defaultdict(list)
    for (key, _recipient), count in tally.received.items():
        arrivals[key].append((count, tally.first_seen[(key, _recipient)]))
    sockets = flood["sockets"]
    closes = [s["closed_at"] for s in sockets if s["closed_at"] is not None]
    first = flood["first_write"] or times["flood_at"]
    flood_end = max([*closes, flood["last_write"] or first])
    windows = {
        "A": (times["a"], times["b"]),
        "B": (times["b"], times["stop"]),
        "B flood window": (first, flood_end + WINDOW_TAIL_SECONDS),
    }

    def sent_between(lo: float, hi: float, via) -> list[tuple]:
        return [
            k
            for k, t in tally.sent.items()
            if lo <= t < hi and (via == "all" or where[k[0]] == via)
        ]

    phases = []
    for name, (lo, hi) in windows.items():
        for via in ("all", 0, 1):
            row = _phase(tally, arrivals, sent_between(lo, hi, via), hi - lo)
            label = {"all": "all", 0: "flooder's process", 1: "other process"}[via]
            phases.append({"phase": name, "senders": label, **row})
    overall = _phase(tally, arrivals, list(tally.sent), 1.0)
    # Second by second around the flood (by send time, relative to the first flood frame).
    timeline = []
    for second in range(-TIMELINE_BEFORE, TIMELINE_AFTER):
        lo = first + second
        entry = {"second": second}
        for via, label in (("all", ""), (0, "flooder_process_"), (1, "other_process_")):
            row = _phase(tally, arrivals, sent_between(lo, lo + 1, via), 1.0)
            entry |= {f"{label}{k}": row[k] for k in ("p50_ms", "max_ms")}
            if via == "all":
                entry |= {"deliveries": round(row["deliveries_per_s"]), "lost": row["lost"]}
        timeline.append(entry)

    # The flooder's student: flood messages received, and its own round trip by phase.
    partner = run["partner"]
    sent_at = flood["sent_at"]
    seen_first = partner.get("flood_first", {})
    flood_lat = sorted(seen - sent_at[cid] for cid, seen in seen_first.items() if cid in sent_at)
    rtt = partner.get("rtt", [])
    partner_rows = {}
    for name, (lo, hi) in windows.items():
        values = sorted(v for t, v in rtt if lo <= t < hi)
        partner_rows[name] = {
            "p50_ms": percentile_ms(values, 0.5),
            "p99_ms": percentile_ms(values, 0.99),
            "max_ms": round(values[-1] * 1000, 1) if values else None,
        }
    own_sent = partner.get("own_sent", {})
    own_back = partner.get("own_back", Counter())

    flood_seconds = flood_end - first
    allowed = burst + rate * flood_seconds
    alerts = run["moderator"].get("alerts", [])
    summary = {
        "frames_written": sum(s["written"] for s in sockets),
        "sockets": len(sockets),
        "acks": sum(s["acks"] for s in sockets),
        "refused": sum(s["refused"] for s in sockets),
        "errors": dict(sum((Counter(s["errors"]) for s in sockets), Counter())),
        "close_codes": [s["close_code"] for s in sockets],
        "first_close_after_ms": round((closes[0] - first) * 1000) if closes else None,
        "flood_seconds": round(flood_seconds, 2),
        "stored": db["stored"],
        "stored_allowed": round(allowed, 1),
        "partner_received": sum(1 for _ in partner.get("flood_seen", {})),
        "partner_duplicates": sum(c - 1 for c in partner.get("flood_seen", Counter()).values()),
        "partner_flood_p50_ms": percentile_ms(flood_lat, 0.5),
        "partner_flood_max_ms": round(flood_lat[-1] * 1000, 1) if flood_lat else None,
        "partner_own": partner_rows,
        "partner_own_lost": sum(1 for cid in own_sent if not own_back[cid]),
        "partner_own_duplicated": sum(c - 1 for c in own_back.values() if c > 1),
        "partner_errors": dict(partner.get("errors", {})),
        "review_items": db["review_items"],
        "audits": db["audits"],
        "moderator_alerted_after_ms": round((alerts[0][0] - first) * 1000) if alerts else None,
        "moderator_alerts": len(alerts),
    }
    problems = []
    if overall["lost"] or overall["duplicated"]:
        problems.append(f"background: {overall['lost']} lost, {overall['duplicated']} duplicated")
    if tally.errors:
        problems.append(f"background clients refused or in error: {dict(tally.errors)}")
    if run["failures"]:
        problems.append(f"client failures: {run['failures']}")
    if summary["stored"] > allowed:
        problems.append(f"flooder stored {summary['stored']} > {allowed:.1f} allowed")
    if not sockets or any(code != CLOSE_RATE_LIMIT for code in summary["close_codes"]):
        codes = summary["close_codes"]
        problems.append(f"flooder close codes {codes}, expected {CLOSE_RATE_LIMIT}")
    if not summary["review_items"]:
        problems.append("no rate_limit review item")
    if summary["partner_received"] != summary["stored"] or summary["partner_duplicates"]:
        problems.append(
            f"flooder's student got {summary['partner_received']} flood messages"
            f" ({summary['partner_duplicates']} twice) of {summary['stored']} stored"
        )
    if summary["partner_own_lost"] or summary["partner_own_duplicated"] or partner.get("errors"):
        problems.append("flooder's student: own messages lost, duplicated or refused")
    return {
        "phases": phases,
        "overall": overall,
        "timeline": timeline,
        "flood": summary,
        "problems": problems,
    }


def _database_figures(*, flooder_id: int) -> dict:
    from accounts.models import AuditEntry
    from messaging.models import Message
    from moderation.models import ReviewItem

    items = ReviewItem.objects.filter(categories__contains=["rate_limit"]).values(
        "id", "conversation_id", "district_id", "source", "priority", "categories"
    )
    return {
        "stored": Message.objects.filter(sender_id=flooder_id).count(),
        "review_items": list(items),
        "audits": AuditEntry.objects.filter(
            action="messaging.rate_limit_disconnect", actor_ref=flooder_id
        ).count(),
    }


def run(args) -> dict:
    with bench_django() as database_url:
        from django.conf import settings
        from django.db import connections

        from accounts.models import User
        from testkit.sessions import session_cookie

        limits = settings.TRELLIS_REALTIME
        seeder = Seeder()
        rooms = seeder.rooms(args.clients)
        flood_room = seeder.pair()
        moderator_cookie = session_cookie(seeder.person(User.Role.MODERATOR))
        connections.close_all()
        env = server_env(
            database_url=database_url,
            prefix=f"trellis_bench_{uuid.uuid4().hex[:6]}",
            layer="pubsub",
            conn_max_age=args.conn_max_age,
        )
        lifetime = CONNECT_SECONDS + args.warmup + 2 * args.duration + DRAIN_SECONDS + 120
        load_before = os.getloadavg()
        with run_servers([args.server, args.server], env=env, lifetime=lifetime) as servers:
            result = asyncio.run(
                _bench(
                    servers=servers,
                    rooms=rooms,
                    flood_room=flood_room,
                    moderator_cookie=moderator_cookie,
                    args=args,
                )
            )
        load_after = os.getloadavg()
        db = _database_figures(flooder_id=flood_room.members[0][0])
        connections.close_all()
    summary = summarize(
        result, rate=float(limits["SEND_RATE_PER_SECOND"]), burst=int(limits["SEND_BURST"]), db=db
    )
    summary["config"] = {
        "server": args.server,
        "layer": "pubsub",
        "clients": result["clients"],
        "rate": args.rate,
        "partner_rate": args.partner_rate,
        "duration": args.duration,
        "warmup": args.warmup,
        "frames": args.frames,
        "spread": args.spread,
        "reconnect": args.reconnect,
        # Other work on the machine moves latency: the 1-minute load average around the run.
        "load_before": round(load_before[0], 2),
        "load_after": round(load_after[0], 2),
        "limits": {
            k: limits[k] for k in ("SEND_RATE_PER_SECOND", "SEND_BURST", "RATE_LIMIT_STRIKES")
        },
    }
    return summary


def _print(summary: dict) -> None:
    print(json.dumps(summary, default=str), flush=True)
    print()
    print(f"config: {json.dumps(summary['config'])}")
    heads = ("phase", "senders", "msg/s", "deliv/s", "p50 ms", "p99 ms", "max ms", "lost", "dup")
    line = "{:15} {:18} {:>7} {:>8} {:>7} {:>7} {:>7} {:>5} {:>4}"
    print(line.format(*heads))
    for r in summary["phases"]:
        row = (r["phase"], r["senders"], r["messages_per_s"], r["deliveries_per_s"])
        row += (str(r["p50_ms"]), str(r["p99_ms"]), str(r["max_ms"]), r["lost"], r["duplicated"])
        print(line.format(*row))
    print()
    print("by second of sending, from the first flood frame (ms; senders on the flooder's process,")
    print("on the other process):")
    line = "{:>7} {:>6} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>5}"
    print(
        line.format(
            "second", "deliv", "p50", "max", "p50 fl.", "max fl.", "p50 oth.", "max oth.", "lost"
        )
    )
    for t in summary["timeline"]:
        row = [f"{t['second']:+d}", t["deliveries"]]
        for label in ("", "flooder_process_", "other_process_"):
            row += [str(t[f"{label}p50_ms"]), str(t[f"{label}max_ms"])]
        print(line.format(*row, t["lost"]))
    f = summary["flood"]
    print()
    print(
        f"flood: {f['frames_written']} frames written on {f['sockets']} socket(s) in"
        f" {f['flood_seconds']} s; {f['acks']} acked, {f['refused']} rate_limited,"
        f" other errors {f['errors']}; close codes {f['close_codes']}"
        f" (first after {f['first_close_after_ms']} ms)"
    )
    print(
        f"stored for the flooder: {f['stored']} (bucket allows {f['stored_allowed']});"
        f" his student received {f['partner_received']} (p50 {f['partner_flood_p50_ms']} ms,"
        f" max {f['partner_flood_max_ms']} ms after writing)"
    )
    own = f["partner_own"]
    print(
        "his student's own round trip p50/p99 ms: "
        + ", ".join(f"{k} {v['p50_ms']}/{v['p99_ms']}" for k, v in own.items())
    )
    print(
        f"review items: {f['review_items']}; audit entries: {f['audits']};"
        f" staff socket alerted {f['moderator_alerts']}x, first"
        f" {f['moderator_alerted_after_ms']} ms after the first flood frame"
    )
    for problem in summary["problems"]:
        print(f"PROBLEM: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100, help="background clients")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.1,
        help="messages/s per background client (open loop); keep the total below capacity",
    )
    parser.add_argument("--duration", type=float, default=15, help="seconds of each phase")
    parser.add_argument(
        "--partner-rate",
        type=float,
        default=1.0,
        help="messages/s the flooder's student sends in the flooded conversation (open loop)",
    )
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before phase A")
    parser.add_argument(
        "--flood-at", type=float, default=3, help="seconds into phase B when the flood starts"
    )
    parser.add_argument("--frames", type=int, default=1000, help="send frames in the flood")
    parser.add_argument("--spread", type=float, default=1.0, help="seconds the flood is spread on")
    parser.add_argument(
        "--reconnect",
        action="store_true",
        help="the flooder opens a new socket after each close until every frame is written",
    )
    parser.add_argument("--server", default="daphne", choices=["daphne", "uvicorn"])
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE for the servers"
    )
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        parser.error("set DATABASE_URL (PostgreSQL) and REDIS_URL")
    if not 0 < args.duration <= 120 or not 0 <= args.warmup <= 60:
        parser.error("--duration is 0 to 120 seconds, --warmup 0 to 60")
    if not 0 <= args.flood_at < args.duration or not 0 < args.spread <= 10:
        parser.error("--flood-at must fall inside phase B; --spread is at most 10 seconds")
    if args.rate <= 0 or args.partner_rate <= 0 or args.clients < 2 or args.frames < 1:
        parser.error("--rate and --partner-rate > 0, --clients >= 2, --frames >= 1")
    summary = run(args)
    _print(summary)
    return 1 if summary["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
