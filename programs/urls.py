from django.urls import path

from . import views

urlpatterns = [
    path(
        "coordinator/programs/<int:program_id>/conversations/<int:conversation_id>/milestones/",
        views.milestones_page,
        name="program-milestones",
    ),
    path(
        "coordinator/programs/<int:program_id>/matches/<int:match_id>/",
        views.match_manage,
        name="program-match-manage",
    ),
    path(
        "coordinator/programs/<int:program_id>/handovers/<int:handover_id>/",
        views.handover_page,
        name="program-handover",
    ),
    path("checkins/<int:checkin_id>/", views.checkin_answer_page, name="checkin-answer"),
    path(
        "coordinator/programs/<int:program_id>/follow-ups/<int:follow_up_id>/close/",
        views.follow_up_close_page,
        name="follow-up-close",
    ),
    path("agreements/", views.agreements_to_accept, name="agreements-accept"),
    path(
        "coordinator/programs/<int:program_id>/agreements/",
        views.agreements_manage,
        name="program-agreements",
    ),
    path("coordinator/roster/", views.roster_upload, name="roster-upload"),
    path(
        "coordinator/programs/<int:program_id>/match/",
        views.match_students,
        name="program-match-students",
    ),
    path(
        "coordinator/programs/<int:program_id>/match/<int:student_id>/",
        views.match_student,
        name="program-match",
    ),
]
