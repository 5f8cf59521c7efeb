from django.urls import path

from . import views

app_name = "adminreform"

urlpatterns = [
    # staff
    path("", views.DossierListView.as_view(), name="dossier_list"),
    path("intake/", views.IntakeSearchView.as_view(), name="intake_search"),
    path("intake/<int:pk>/", views.IntakeView.as_view(), name="intake"),
    path("procedures.json", views.ProcedureSearchJsonView.as_view(), name="procedure_search_json"),
    path("<int:pk>/", views.DossierDetailView.as_view(), name="dossier_detail"),
    path("<int:pk>/documents/<int:document_pk>/", views.DossierDocumentFileView.as_view(), name="document_file"),
    path("<int:pk>/do/<slug:action>/", views.DossierActionView.as_view(), name="dossier_action"),
    path("<int:pk>/print/receipt/", views.DossierPrintView.as_view(), {"form": "receipt"}, name="dossier_receipt"),
    path("<int:pk>/print/<slug:form>/", views.DossierPrintView.as_view(), name="dossier_print"),
    path("notices/<int:pk>/", views.NoticePrintView.as_view(), name="notice_print"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("procedures/", views.ProcedureListView.as_view(), name="procedure_list"),
    # public
    path("lookup/", views.LookupView.as_view(), name="lookup"),
    path("lookup/rate/", views.RateView.as_view(), name="rate"),
    path("online/", views.OnlineListView.as_view(), name="online_list"),
    path("online/<int:pk>/", views.OnlineSubmitView.as_view(), name="online_submit"),
]
