from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.views_personal_data import PersonalDataExportView
from core.views_security import (
    AuditLogView,
    SecondFactorView,
    StaffLoginView,
    StaffPasswordChangeView,
    TwoFactorSettingsView,
    admin_login_redirect,
)
from core.views_sms import sms_delivery_report

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", StaffLoginView.as_view(), name="login"),
    path("accounts/login/code/", SecondFactorView.as_view(), name="login_second_factor"),
    path("accounts/two-step/", TwoFactorSettingsView.as_view(), name="two_factor"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", StaffPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/login/", admin_login_redirect, name="admin_login_redirect"),
    path("admin/audit-log/", admin.site.admin_view(AuditLogView.as_view()), name="audit_log"),
    path(
        "admin/personal-data/",
        admin.site.admin_view(PersonalDataExportView.as_view()),
        name="personal_data_export",
    ),
    path("admin/", admin.site.urls),
    path("sms/delivery-report/", sms_delivery_report, name="sms-delivery-report"),
    path("petitions/", include("petitions.urls")),
    path("reception/", include("reception.urls")),
    path("dossiers/", include("adminreform.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("open311/v2/", include("api.urls_open311")),
    path("", include("core.urls")),
]

# An unreachable database answers 503 with a page saying nothing was recorded (issue 8, R1).
handler500 = "core.views.server_error"
