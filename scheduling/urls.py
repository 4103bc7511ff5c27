from django.urls import include, path

from . import views

# Planning pages under the "scheduling" namespace; the older routes keep their names.
planning = [
    path("meetings/plan/", views.plan, name="plan"),
    path("meetings/plan/<int:conversation_id>/series/new/", views.series_new, name="series_new"),
    path("meetings/<int:meeting_id>/change/", views.meeting_change, name="meeting_change"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/propose/", views.proposal_new, name="proposal_new"),
    path("meetings/proposals/", views.proposals, name="proposals"),
    path(
        "meetings/proposals/<int:proposal_id>/decide/",
        views.proposal_decide,
        name="proposal_decide",
    ),
]

urlpatterns = [
    path("meetings/", views.my_meetings, name="meetings"),
    path("meetings/calendar-link/", views.calendar_link_reset, name="calendar-link-reset"),
    path("meetings/<int:meeting_id>/rsvp/", views.rsvp, name="meeting-rsvp"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("", include((planning, "scheduling"))),
]
