from django.urls import path

from .views import actions, map, public, queue, staff, urging

app_name = "petitions"

urlpatterns = [
    # Public
    path("file/", public.PetitionFileView.as_view(), name="file"),
    path("file/done/", public.PetitionFiledView.as_view(), name="filed"),
    path("track/", public.PetitionTrackView.as_view(), name="track"),
    path("track/letter/", public.PetitionReplyLetterView.as_view(), name="track_letter"),
    path("map/", map.PublicMapView.as_view(), name="map"),
    path("map/points.json", map.PublicMapPointsView.as_view(), name="map_points"),
    path("feedback/<str:code>/", map.FeedbackPublicView.as_view(), name="feedback"),
    # Staff
    path("queue/", queue.PetitionQueueView.as_view(), name="queue"),
    path("desk/", staff.DeskEntryView.as_view(), name="desk"),
    path("staff-map/", map.StaffMapView.as_view(), name="staff_map"),
    path("staff-map/points.json", map.StaffMapPointsView.as_view(), name="staff_map_points"),
    path("urging/", urging.UrgeListView.as_view(), name="urge_list"),
    path("urging/<int:pk>/", urging.UrgeDetailView.as_view(), name="urge_detail"),
    path("urging/<int:pk>/document/", urging.UrgeDocumentView.as_view(), name="urge_document"),
    path("<int:pk>/", staff.PetitionDetailView.as_view(), name="detail"),
    path("<int:pk>/identity/", staff.RevealView.as_view(), name="reveal"),
    path("<int:pk>/files/<int:attachment_pk>/", staff.AttachmentDownloadView.as_view(), name="attachment"),
    path("<int:pk>/<slug:action>/", actions.PetitionActionView.as_view(), name="action"),
]
