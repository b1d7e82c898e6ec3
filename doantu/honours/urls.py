from django.urls import path

from . import views

app_name = "honours"
urlpatterns = [
    path("", views.nomination_list, name="list"),
    path("new/", views.nomination_new, name="new"),
    path("export.<str:fmt>", views.export, name="export"),
    path("<int:pk>/", views.nomination_detail, name="nomination"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
    path(
        "<int:pk>/achievements/<int:achievement_id>/remove/",
        views.achievement_remove,
        name="achievement_remove",
    ),
    path("<int:pk>/<slug:action>/", views.nomination_action, name="nomination_action"),
]
