"""Placeholder routes until this app's pages land."""

from django.urls import path

from core.views import ComingSoonView

app_name = "adminreform"

urlpatterns = [
    path("dossier_list/", ComingSoonView.as_view(), name="dossier_list"),
    path("lookup/", ComingSoonView.as_view(), name="lookup"),
]
