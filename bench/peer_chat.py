"""The peer in bench/ws_load.py: django-private-chat2 1.0.2 (a persisted one-to-one Channels chat,
no moderation) in a throwaway Django project this module writes to a temporary folder.

The project has the package's consumer at /chat_ws behind Channels' session authentication, the
channels_redis pub/sub layer, its own PostgreSQL database (<bench database>_peer, created and
dropped here) and /healthz for the server runner. People and signed-in sessions are made by a
seeding script run in that project (its own Django settings, not Trellis'). The package is a
development dependency of the benchmark only (pyproject.toml, extra `dev`).

The adapter (`frame`, `parse`): a text message is {"msg_type": 3, "text", "user_pk": recipient,
"random_id": negative}. The recipient gets it as msg_type 3 with the sender and random_id (before
the peer stores it); the sender learns it was stored from msg_type 8 (MessageIdCreated) with its
random_id, which closes the sender's loop as Trellis' own message event does.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TEXT_MESSAGE = 3
MESSAGE_ID_CREATED = 8
# The peer's layer for each of bench/ws_load.py's --layer names (Trellis' own bounded subclass of
# the pub/sub layer is Trellis code; the peer gets the plain one).
LAYERS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}
# Random ids are negative and unique per client: client index times this, plus the message number.
RANDOM_ID_SPAN = 10_000_000

SETTINGS = """\
import os

SECRET_KEY = "bench-peer-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "channels",
    "django_private_chat2",
]
MIDDLEWARE = []
ROOT_URLCONF = "peer_urls"
ASGI_APPLICATION = "peer_asgi.application"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.postgresql",
    "NAME": {name!r}, "USER": {user!r}, "PASSWORD": {password!r},
    "HOST": {host!r}, "PORT": {port!r},
    "CONN_MAX_AGE": 60,
}}}}
CHANNEL_LAYERS = {{"default": {{
    "BACKEND": os.environ.get(
        "PEER_CHANNEL_LAYER", "channels_redis.pubsub.RedisPubSubChannelLayer"
    ),
    "CONFIG": {{"hosts": [{redis!r}], "prefix": {prefix!r}}},
}}}}
LOGGING = {{"version": 1, "disable_existing_loggers": False, "root": {{"level": "WARNING"}}}}
"""

URLS = """\
from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("healthz", lambda request: HttpResponse("ok"))]
"""

ASGI = """\
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
from django.core.asgi import get_asgi_application

http = get_asgi_application()

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django_private_chat2.urls import websocket_urlpatterns

application = ProtocolTypeRouter(
    {"http": http, "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns))}
)
"""

SEED = """\
import json
import sys

import django

django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command

call_command("migrate", verbosity=0)
User = get_user_model()
rooms = []
for i in range(int(sys.argv[1])):
    members = []
    for side in ("a", "b"):
        user = User.objects.create_user(username=f"peer-{i}-{side}")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        members.append([user.pk, session.session_key])
    rooms.append(members)
json.dump(rooms, sys.stdout)
"""


def _recreate(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


@contextlib.contextmanager
def peer_project(*, database_url: str, redis_url: str, prefix: str) -> Iterator[dict]:
    """Write the project and create its database; yield the environment its servers need (and
    `seed`). Everything is removed at the end."""
    parts = urlsplit(database_url)
    name = f"{parts.path.lstrip('/')}_peer"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    _recreate(admin_url, name)
    try:
        with tempfile.TemporaryDirectory(prefix="trellis-bench-peer-") as folder:
            root = Path(folder)
            (root / "peer_settings.py").write_text(
                SETTINGS.format(
                    name=name,
                    user=parts.username or "postgres",
                    password=parts.password or "",
                    host=parts.hostname or "127.0.0.1",
                    port=str(parts.port or 5432),
                    redis=redis_url,
                    prefix=prefix,
                )
            )
            (root / "peer_urls.py").write_text(URLS)
            (root / "peer_asgi.py").write_text(ASGI)
            (root / "peer_seed.py").write_text(SEED)
            yield {
                "DJANGO_SETTINGS_MODULE": "peer_settings",
                "PYTHONPATH": folder,
                "PEER_FOLDER": folder,
            }
    finally:
        _recreate(admin_url, name, drop_only=True)


def seed(env: dict, pairs: int) -> list[list[tuple[int, str]]]:
    """`pairs` pairs of people with signed-in sessions: [[(user id, session key), ...], ...]."""
    out = subprocess.run(
        [sys.executable, str(Path(env["PEER_FOLDER"]) / "peer_seed.py"), str(pairs)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return [[(uid, key) for uid, key in members] for members in json.loads(out.stdout)]


def frame(*, recipient: int, random_id: int, text: str) -> dict:
    return {
        "msg_type": TEXT_MESSAGE,
        "text": text,
        "user_pk": str(recipient),
        "random_id": random_id,
    }


def parse(event: dict) -> tuple[str, tuple | None]:
    """("delivery", (sender, random_id)) for a message to this client, ("stored", (None,
    random_id)) for a stored-message notice, ("other", None) for the rest."""
    kind = event.get("msg_type")
    if kind == TEXT_MESSAGE:
        return "delivery", (int(event["sender"]), event["random_id"])
    if kind == MESSAGE_ID_CREATED:
        return "stored", (None, event["random_id"])
    return "other", None
