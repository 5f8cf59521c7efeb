from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz/", views.health, name="health"),
    path("staff/", views.StaffHomeView.as_view(), name="staff_home"),
    path("staff/units/<str:code>/", views.UnitDetailView.as_view(), name="unit_detail"),
]
