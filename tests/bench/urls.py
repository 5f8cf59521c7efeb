"""A URLconf with one real view and one placeholder, for the availability check."""

from django.urls import path

from core.views import ComingSoonView, health

urlpatterns = [
    path("healthz/", health, name="health"),
    path("soon/", ComingSoonView.as_view(), name="soon"),
]
