from django.urls import path

from . import views

app_name = "reception"

# A staff action keeps the address of the page or button it is taken from; the view finds
# it by name in its record type's table (views/actions.py).
urlpatterns = [
    path("sessions/", views.SessionListView.as_view(), name="session_list"),
    path("sessions/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("sessions/today/", views.SessionOpenTodayView.as_view(), {"action": "open_today"}, name="session_today"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), {"action": "log_visit"}, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.SessionEditView.as_view(), {"action": "reschedule"}, name="session_edit"),
    path("sessions/<int:pk>/repeats/", views.VisitRepeatProposalsView.as_view(), name="visit_repeats"),
    path(
        "sessions/<int:pk>/publish/", views.SessionActionView.as_view(), {"action": "publish"}, name="session_publish"
    ),
    path(
        "sessions/<int:pk>/participants/",
        views.SessionActionView.as_view(),
        {"action": "notify_participants"},
        name="session_notify",
    ),
    path(
        "sessions/<int:pk>/connection/",
        views.SessionActionView.as_view(),
        {"action": "connection_check"},
        name="session_connection",
    ),
    path(
        "sessions/<int:pk>/recording/",
        views.SessionActionView.as_view(),
        {"action": "recording"},
        name="session_recording",
    ),
    path("recordings/<int:pk>/", views.RecordingOpenView.as_view(), name="recording_open"),
    path(
        "sessions/<int:pk>/record/",
        views.SessionActionView.as_view(),
        {"action": "conclusions"},
        name="session_conclusions",
    ),
    path(
        "sessions/<int:pk>/follow-ups/",
        views.SessionActionView.as_view(),
        {"action": "follow_up_create"},
        name="followup_create",
    ),
    path("visits/", views.VisitQueueView.as_view(), name="visit_queue"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), {"action": "answer"}, name="visit_detail"),
    path(
        "visits/<int:pk>/repeat/", views.VisitActionView.as_view(), {"action": "mark_repeat"}, name="visit_mark_repeat"
    ),
    path(
        "visits/<int:pk>/result/",
        views.VisitDetailView.as_view(),
        {"action": "forwarded_result"},
        name="visit_result",
    ),
    path("visits/<int:pk>/notice/", views.VisitDetailView.as_view(), {"action": "notify_citizen"}, name="visit_notice"),
    path("visits/<int:pk>/identity/", views.VisitRevealView.as_view(), name="visit_reveal"),
    path("follow-ups/", views.FollowUpListView.as_view(), name="followup_list"),
    path("follow-ups/<int:pk>/done/", views.FollowUpActionView.as_view(), {"action": "complete"}, name="followup_done"),
    path("dialogues/", views.DialogueListView.as_view(), name="dialogue_list"),
    path("book/", views.BookView.as_view(), name="book"),
    path("frequency/", views.FrequencyView.as_view(), name="frequency"),
    path("schedule/", views.PublicScheduleView.as_view(), name="schedule"),
]
