"""/open311/v2/: the GeoReport v2 facade for feedback (api/views/open311.py)."""

from django.urls import re_path

from .views import open311

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(rf"^discovery{FMT}", open311.discovery, name="discovery"),
    re_path(rf"^services{FMT}", open311.service_list, name="services"),
    re_path(rf"^requests{FMT}", open311.Requests.as_view(), name="requests"),
    re_path(rf"^requests/(?P<code>[A-Za-z0-9-]{{1,20}}){FMT}", open311.request_detail, name="request"),
]
