"""A real websocket client (the `websockets` package) for integration tests and the benchmark."""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect


class Client:
    def __init__(self, ws):
        self.ws = ws
        self.hello: dict = {}

    @classmethod
    async def open(cls, url: str, cookie: str, *, origin: str, open_timeout: float = 20) -> Client:
        ws = await connect(
            url,
            origin=origin,
            additional_headers=[("Cookie", f"sessionid={cookie}")],
            max_size=2**22,
            open_timeout=open_timeout,
        )
        client = cls(ws)
        client.hello = await client.recv()
        assert client.hello["type"] == "hello", client.hello
        return client

    async def send(self, **frame) -> None:
        await self.ws.send(json.dumps(frame))

    async def recv(self, timeout: float = 10) -> dict:
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def close(self) -> None:
        await self.ws.close()
