"""The peer's URLs: helpdesk at the root, as its install guide mounts it."""

from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
