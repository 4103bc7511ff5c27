"""Websocket routes. One socket per signed-in user carries all of that user's conversations."""

from django.urls import path

from messaging.consumers import UserSocketConsumer

websocket_urlpatterns: list = [
    path("ws/", UserSocketConsumer.as_asgi()),
]
