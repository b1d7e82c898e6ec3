from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("bao-cao/", views.report_list, name="list"),
    path("bao-cao/moi/", views.report_new, name="new"),
    path("bao-cao/<int:pk>/", views.report_detail, name="detail"),
    # before the actions: "tai" would otherwise be taken for an action (and a download answered 405)
    path("bao-cao/<int:pk>/tai/", views.report_file, name="file"),
    path("bao-cao/<int:pk>/<slug:action>/", views.report_action, name="action"),
    path("ban-do/", views.ward_map, name="map"),
    path("tinh/", views.province, name="province"),
    path("tinh/bao-cao/", views.province_report, name="province_report"),
    path("tinh/nhap/", views.rollup_import, name="rollup_import"),
    path("tinh/khoa/", views.ward_key, name="ward_key"),
    path("xuat-so-lieu/", views.rollup_export, name="rollup_export"),
]
