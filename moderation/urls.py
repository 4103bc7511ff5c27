"""The review console, included under /staff/."""

from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/<slug:action>/", views.item_action, name="item_action"),
    path("bulk/", views.bulk, name="bulk"),
    path("conversations/", views.conversations, name="conversations"),
    path("conversations/<int:conversation_id>/", views.conversation, name="conversation"),
    path("reports/service-levels/", views.service_levels_report, name="service_levels"),
    path("reports/quality/", views.quality, name="quality"),
    path(
        "students/<int:student_id>/record.<str:fmt>",
        views.student_record,
        name="student_record",
    ),
    path("alerts/", views.alerts, name="alerts"),
    path("settings-changes/", views.settings_changes, name="settings_changes"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_ack"),
]
