"""A bare Channels broadcast consumer on the same stack as Trellis (server, channel layer, origin
check), without authentication, database or protocol: the baseline for bench/ws_load.py.

Each socket joins the room named in its path and every frame it sends is broadcast to the room.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402


class Broadcast(AsyncWebsocketConsumer):
    async def connect(self):
        self.room = f"bench.room.{self.scope['url_route']['kwargs']['room']}"
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.room, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(self.room, {"type": "bench.message", "text": text_data})

    async def bench_message(self, event):
        await self.send(text_data=event["text"])

    async def trellis_overflow(self, event):
        # The bounded layer dropped events for this socket: a bare consumer has nothing to refill
        # them from, so they count as lost in the benchmark.
        pass


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            URLRouter([path("bench/<int:room>/", Broadcast.as_asgi())])
        ),
    }
)
