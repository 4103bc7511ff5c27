"""The ASGI server: daphne, on the event loop that TRELLIS_EVENT_LOOP names.

    python -m config.serve -b 127.0.0.1 -p 8000 config.asgi:application    (daphne's arguments)

TRELLIS_EVENT_LOOP is "uvloop" (libuv's loop, the default) or "asyncio" (the standard library's).
Daphne builds its loop, twisted's asyncio reactor on `asyncio.new_event_loop()`, when
`daphne.server` is first imported, so the loop's policy must be set before that import: this module
sets it, then hands the command line to daphne. Plain `daphne ...` still works and always runs the
standard loop.
"""

from __future__ import annotations

import asyncio
import os
import sys

EVENT_LOOPS = ("asyncio", "uvloop")
# uvloop: about 10 % less server CPU a message under load (docs/benchmarks.md, "The event loop and
# the Redis reply parser"); "asyncio" turns it off.
DEFAULT_EVENT_LOOP = "uvloop"


def event_loop_name(environ=os.environ) -> str:
    name = environ.get("TRELLIS_EVENT_LOOP", "").strip().lower() or DEFAULT_EVENT_LOOP
    if name not in EVENT_LOOPS:
        choices = ", ".join(EVENT_LOOPS)
        raise SystemExit(f"TRELLIS_EVENT_LOOP must be one of {choices}, not {name!r}")
    return name


def event_loop_policy_install(*, name: str) -> None:
    """Make `asyncio.new_event_loop()` build the named loop (before daphne is imported)."""
    if "daphne.server" in sys.modules:
        raise RuntimeError("daphne.server is already imported: its event loop is built")
    if name == "uvloop":
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def main() -> None:
    event_loop_policy_install(name=event_loop_name())
    from daphne.cli import CommandLineInterface

    sys.argv[0] = "daphne"
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
