"""The JSON API beside the socket (included under /api/)."""

from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("conversations/", views.conversations, name="conversations"),
    path(
        "conversations/<int:conversation_id>/messages/",
        views.messages,
        name="conversation-messages",
    ),
    path("conversations/<int:conversation_id>/read/", views.read, name="conversation-read"),
]
