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

# --- evaluation and guardians ---
urlpatterns += [
    path(
        "coordinator/programs/<int:program_id>/evaluation/",
        views.program_evaluation_page,
        name="program-evaluation",
    ),
    path(
        "coordinator/programs/<int:program_id>/evaluation.csv",
        views.program_evaluation_csv,
        name="program-evaluation-csv",
    ),
    path(
        "coordinator/programs/<int:program_id>/evaluation.pdf",
        views.program_evaluation_pdf,
        name="program-evaluation-pdf",
    ),
    path(
        "coordinator/schools/<int:school_id>/evaluation/",
        views.school_evaluation_page,
        name="school-evaluation",
    ),
    path(
        "coordinator/schools/<int:school_id>/evaluation.csv",
        views.school_evaluation_csv,
        name="school-evaluation-csv",
    ),
    path(
        "coordinator/schools/<int:school_id>/evaluation.pdf",
        views.school_evaluation_pdf,
        name="school-evaluation-pdf",
    ),
    path(
        "coordinator/attendance/",
        views.attendance_upload,
        name="attendance-upload",
    ),
]
urlpatterns += [
    path(
        "coordinator/programs/<int:program_id>/guardians/",
        views.program_guardians,
        name="program-guardians",
    ),
    path(
        "coordinator/programs/<int:program_id>/guardians/<int:guardian_id>/letter.pdf",
        views.program_guardian_letter,
        name="program-guardian-letter",
    ),
    path("guardians/<str:token>/", views.guardian_information_page, name="guardian-information"),
    path("guardians/<str:token>/letter.pdf", views.guardian_letter_pdf, name="guardian-letter"),
    path(
        "guardians/<str:token>/unsubscribe/",
        views.guardian_unsubscribe_page,
        name="guardian-unsubscribe",
    ),
]
urlpatterns += [
    path(
        "coordinator/programs/<int:program_id>/guardians/texts/<str:language>/",
        views.program_guardian_texts,
        name="program-guardian-texts",
    ),
]
urlpatterns += [
    path(
        "coordinator/programs/<int:program_id>/groups/",
        views.program_groups_page,
        name="program-groups",
    ),
    path(
        "coordinator/programs/<int:program_id>/groups/new/",
        views.program_group_create,
        name="program-group-create",
    ),
    path(
        "coordinator/programs/<int:program_id>/groups/<int:group_id>/",
        views.program_group_page,
        name="program-group",
    ),
]
