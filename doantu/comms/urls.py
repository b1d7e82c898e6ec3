from django.urls import path

from . import views

app_name = "comms"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("lich/", views.calendar, name="calendar"),
    path("san-pham/moi/", views.item_new, name="item_new"),
    path("san-pham/<int:pk>/", views.item_detail, name="item"),
    path("san-pham/<int:pk>/sua/", views.item_edit, name="item_edit"),
    path("san-pham/<int:pk>/minh-chung/", views.item_evidence, name="item_evidence"),
    path("san-pham/<int:pk>/tep/<int:file_id>/", views.item_file, name="item_file"),
    path(
        "san-pham/<int:pk>/ban-phat-thanh.docx", views.item_script, {"fmt": "docx"}, name="item_script_docx"
    ),
    path("san-pham/<int:pk>/ban-phat-thanh.txt", views.item_script, {"fmt": "txt"}, name="item_script_txt"),
    path("san-pham/<int:pk>/<slug:action>/", views.item_action, name="item_action"),
    path("cao-diem/", views.peaks, name="peaks"),
    path("cao-diem/<int:pk>/", views.peak, name="peak"),
    path("cao-diem/viec/<int:pk>/minh-chung/", views.checklist_evidence, name="checklist_evidence"),
    path("cao-diem/viec/<int:pk>/<slug:action>/", views.checklist_action, name="checklist_action"),
    path("so-lieu/nhap/", views.reach_import, name="reach_import"),
    path("lich-rieng/", views.feeds_page, name="feeds"),
    path("lich-rieng/<int:pk>/thu-hoi/", views.feed_revoke, name="feed_revoke"),
    path("phat-thanh/", views.script_new, name="script_new"),
]

# The private ICS link, outside /staff/ (a phone's calendar has no session).
public = ([path("lich/<str:token>.ics", views.ics, name="ics")], "comms_public")
