"""Signed-in sessions and websocket connections for the real-time tests.

Sessions are real database sessions made by testkit.sessions.login_verified: an adult who needs a
second factor also has a confirmed TOTP device recorded in the session (as django_otp.login does),
so that the socket sees the user as fully signed in.
"""

import json

from channels.testing import WebsocketCommunicator
from django.conf import settings

ORIGIN = "http://testserver"


def communicator(
    cookie: str | None, *, origin: str | None = ORIGIN, path: str = "/ws/"
) -> WebsocketCommunicator:
    """A communicator on the real config.asgi application, not yet connected. `cookie` None sends
    no session cookie, `origin` None no Origin header; `path` "/ws/staff/" is the staff socket."""
    from config.asgi import application

    headers = [(b"host", b"testserver")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


class Socket:
    """A connected communicator with JSON helpers."""

    def __init__(self, comm: WebsocketCommunicator, hello: dict):
        self.comm = comm
        self.hello = hello

    async def send(self, **frame) -> None:
        await self.comm.send_to(text_data=json.dumps(frame))

    async def send_raw(self, text: str) -> None:
        await self.comm.send_to(text_data=text)

    async def recv(self, timeout: float = 3) -> dict:
        return json.loads(await self.comm.receive_from(timeout))

    async def recv_type(self, kind: str, timeout: float = 3) -> dict:
        """The next event of `kind`, skipping others (returned in .skipped)."""
        while True:
            event = await self.recv(timeout)
            if event["type"] == kind:
                return event

    async def nothing(self, timeout: float = 0.3) -> bool:
        return await self.comm.receive_nothing(timeout)

    async def closed_with(self, timeout: float = 3) -> int:
        """Skip frames until the server closes; the close code."""
        code, _ = await self.until_closed(timeout)
        return code

    async def until_closed(self, timeout: float = 3) -> tuple[int, list[dict]]:
        """Read until the server closes: the close code and the frames received before it."""
        frames = []
        while True:
            output = await self.comm.receive_output(timeout)
            if output["type"] == "websocket.close":
                return output.get("code", 1000), frames
            frames.append(json.loads(output["text"]))

    async def close(self) -> None:
        await self.comm.disconnect()


async def connect(cookie: str) -> Socket:
    comm = communicator(cookie)
    connected, code = await comm.connect(timeout=5)
    assert connected, f"refused with {code}"
    hello = json.loads(await comm.receive_from(5))
    assert hello["type"] == "hello", hello
    return Socket(comm, hello)
