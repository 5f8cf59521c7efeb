"""/api/: the REST API (v1), its schema and its docs (docs/api.md)."""

from django.urls import path, re_path

from .problems import not_found
from .views import docs, dossiers, petitions, reference, reports

app_name = "api"

v1 = [
    path("units/", reference.UnitList.as_view(), name="units"),
    path("units/<str:code>/", reference.UnitDetail.as_view(), name="unit"),
    path("procedures/", reference.ProcedureList.as_view(), name="procedures"),
    path("procedures/<str:code>/", reference.ProcedureDetail.as_view(), name="procedure"),
    path("units/<str:code>/schedule/", reference.UnitSchedule.as_view(), name="schedule"),
    path("petitions/", petitions.PetitionList.as_view(), name="petitions"),
    path("petitions/file/", petitions.PetitionFile.as_view(), name="petition_file"),
    path("petitions/status/", petitions.PetitionStatus.as_view(), name="petition_status"),
    path("petitions/<int:pk>/", petitions.PetitionDetail.as_view(), name="petition"),
    path("dossiers/", dossiers.DossierList.as_view(), name="dossiers"),
    path("dossiers/<str:ref>/", dossiers.DossierDetail.as_view(), name="dossier"),
    path("dossiers/<str:ref>/events/", dossiers.DossierEvents.as_view(), name="dossier_events"),
    path("reports/", reports.ReportList.as_view(), name="reports"),
    path("reports/<int:pk>/", reports.ReportDetail.as_view(), name="report"),
    path("reports/<int:pk>/versions/", reports.ReportVersions.as_view(), name="report_versions"),
]

urlpatterns = [
    *[path(f"v1/{p.pattern}", p.callback, name=p.name) for p in v1],
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", not_found, name="not_found"),
]
