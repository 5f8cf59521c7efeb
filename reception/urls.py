from django.urls import path

from . import views

app_name = "reception"

urlpatterns = [
    path("sessions/", views.SessionListView.as_view(), name="session_list"),
    path("sessions/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("sessions/today/", views.SessionOpenTodayView.as_view(), name="session_today"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="session_edit"),
    path("sessions/<int:pk>/repeats/", views.VisitRepeatProposalsView.as_view(), name="visit_repeats"),
    path("sessions/<int:pk>/publish/", views.SessionPublishView.as_view(), name="session_publish"),
    path("sessions/<int:pk>/record/", views.SessionConclusionsView.as_view(), name="session_conclusions"),
    path("sessions/<int:pk>/follow-ups/", views.FollowUpCreateView.as_view(), name="followup_create"),
    path("visits/", views.VisitQueueView.as_view(), name="visit_queue"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/repeat/", views.VisitMarkRepeatView.as_view(), name="visit_mark_repeat"),
    path("follow-ups/", views.FollowUpListView.as_view(), name="followup_list"),
    path("follow-ups/<int:pk>/done/", views.FollowUpDoneView.as_view(), name="followup_done"),
    path("book/", views.BookView.as_view(), name="book"),
    path("frequency/", views.FrequencyView.as_view(), name="frequency"),
    path("schedule/", views.PublicScheduleView.as_view(), name="schedule"),
]
