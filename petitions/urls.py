"""Placeholder routes until this app's pages land."""

from django.urls import path

from core.views import ComingSoonView

app_name = "petitions"

urlpatterns = [
    path("queue/", ComingSoonView.as_view(), name="queue"),
    path("file/", ComingSoonView.as_view(), name="file"),
    path("track/", ComingSoonView.as_view(), name="track"),
]
