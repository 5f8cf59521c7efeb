"""Placeholder routes until this app's pages land."""

from django.urls import path

from core.views import ComingSoonView

app_name = "reports"

urlpatterns = [
    path("dashboard/", ComingSoonView.as_view(), name="dashboard"),
]
