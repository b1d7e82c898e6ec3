from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("martyrs/new/", views.martyr_new, name="martyr_new"),
    path("martyrs/<int:pk>/", views.martyr_detail, name="martyr"),
    path("graves/", views.graves, name="graves"),
    path("graves/<int:pk>/", views.grave_detail, name="grave"),
    path("graves/export.xlsx", views.graves_export_xlsx, name="graves_export"),
    path("martyrs/<int:pk>/relatives/", views.relative_add, name="relative_add"),
    path("martyrs/<int:pk>/documents/", views.document_add, name="document_add"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("martyrs/<int:pk>/witnesses/", views.witness_add, name="witness_add"),
    path(
        "martyrs/<int:pk>/<str:kind>/<int:person_id>/identity/",
        views.person_identity,
        name="person_identity",
    ),
    path("tips/<int:pk>/relative/", views.tip_make_relative, name="tip_make_relative"),
    path("tips/<int:pk>/witness/", views.tip_make_witness, name="tip_make_witness"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/run/", views.duplicates_run, name="duplicates_run"),
    path("duplicates/<int:pk>/", views.duplicate_decide, name="duplicate_decide"),
    path("tips/<int:pk>/candidates/", views.tip_candidates, name="tip_candidates"),
    path("tips/<int:pk>/link/", views.tip_link, name="tip_link"),
]
