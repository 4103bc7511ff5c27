"""ASGI entry point: HTTP through Django, websockets through Channels.

Websockets pass origin validation (against ALLOWED_HOSTS), session authentication and the
live-session gate (accounts.ws: second factor, idle timeout, revocation) before any consumer sees
them.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from accounts.ws import LiveSessionAuthStack  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from moderation.pipeline import warm_up  # noqa: E402

# Before the server accepts a connection: the first message must not wait for the model to load.
warm_up()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            LiveSessionAuthStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
