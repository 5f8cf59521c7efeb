"""The project's URLs plus two pages that fail on purpose, for the error-header tests: the
responses go through the real middleware and the real handlers (handler500, Django's 403)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from civicdesk.urls import handler500
from civicdesk.urls import urlpatterns as project_urlpatterns


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("test-forbidden/", forbidden), path("test-broken/", broken), *project_urlpatterns]
__all__ = ["handler500", "urlpatterns"]
