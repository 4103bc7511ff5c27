"""ASGI entry point: HTTP through Django, websockets through Channels.

Websockets pass origin validation (scheme, host and port: accounts.ws.origin_allowed), session
authentication and the live-session gate (accounts.ws: second factor, idle timeout, revocation)
before any consumer sees them.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from accounts.ws import LiveSessionAuthStack, OriginGate  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from moderation.pipeline import warm_up  # noqa: E402

# Before the server accepts a connection: the first message must not wait for the model to load.
warm_up()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OriginGate(LiveSessionAuthStack(URLRouter(websocket_urlpatterns))),
    }
)
