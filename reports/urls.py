from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("rows/<str:code>/<str:figure>/", views.DrillRowsView.as_view(), name="rows"),
    path("trend/<str:code>/<str:name>.svg", views.YearOnYearChartView.as_view(), name="yearly_chart"),
    path("compile/", views.CompileView.as_view(), name="compile"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/status/", views.ReportStatusView.as_view(), name="report_status"),
    path("<int:pk>/publish/", views.ReportPublishView.as_view(), {"action": "publish"}, name="report_publish"),
    path("<int:pk>/export.<str:fmt>", views.ReportExportView.as_view(), name="report_export"),
    path("<int:pk>/chart/<str:name>.svg", views.ReportChartView.as_view(), name="report_chart"),
]
