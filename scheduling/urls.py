from django.urls import path

from . import views

urlpatterns = [
    path("meetings/", views.my_meetings, name="meetings"),
    path("meetings/calendar-link/", views.calendar_link_reset, name="calendar-link-reset"),
    path("meetings/<int:meeting_id>/rsvp/", views.rsvp, name="meeting-rsvp"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
