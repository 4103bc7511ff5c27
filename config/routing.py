"""Websocket routes. One socket per signed-in user carries all of that user's conversations."""

websocket_urlpatterns: list = []
