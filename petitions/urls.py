from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    # Public
    path("file/", views.PetitionFileView.as_view(), name="file"),
    path("file/done/", views.PetitionFiledView.as_view(), name="filed"),
    path("track/", views.PetitionTrackView.as_view(), name="track"),
    # Staff
    path("queue/", views.PetitionQueueView.as_view(), name="queue"),
    path("desk/", views.DeskEntryView.as_view(), name="desk"),
    path("<int:pk>/", views.PetitionDetailView.as_view(), name="detail"),
    path("<int:pk>/identity/", views.RevealView.as_view(), name="reveal"),
    path("<int:pk>/files/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("<int:pk>/<slug:action>/", views.PetitionActionView.as_view(), name="action"),
]
