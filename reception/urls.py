"""Placeholder routes until this app's pages land."""

from django.urls import path

from core.views import ComingSoonView

app_name = "reception"

urlpatterns = [
    path("session_list/", ComingSoonView.as_view(), name="session_list"),
    path("schedule/", ComingSoonView.as_view(), name="schedule"),
]
