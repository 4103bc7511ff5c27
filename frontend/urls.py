from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("conversations/<int:conversation_id>/", views.conversation, name="conversation"),
    path("coordinator/programs/<int:program_id>/week/", views.program_week, name="program-week"),
]
