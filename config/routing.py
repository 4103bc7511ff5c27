"""Websocket routes. One socket per signed-in user carries all of that user's conversations."""

from django.urls import path

from messaging.consumers import UserSocketConsumer
from moderation.consumers import StaffConsumer

websocket_urlpatterns: list = [
    path("ws/", UserSocketConsumer.as_asgi()),
    path("ws/staff/", StaffConsumer.as_asgi()),
]
