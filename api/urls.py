"""/api/: the REST API (v1), its schema and its docs (docs/api.md)."""

from django.urls import path, re_path

from .problems import not_found
from .views import docs, reference

app_name = "api"

v1 = [
    path("units/", reference.UnitList.as_view(), name="units"),
    path("units/<str:code>/", reference.UnitDetail.as_view(), name="unit"),
    path("procedures/", reference.ProcedureList.as_view(), name="procedures"),
    path("procedures/<str:code>/", reference.ProcedureDetail.as_view(), name="procedure"),
]

urlpatterns = [
    *[path(f"v1/{p.pattern}", p.callback, name=p.name) for p in v1],
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", not_found, name="not_found"),
]
