from django.urls import path

from . import views

app_name = "watch"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.entry_new, name="new"),
    path("<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/captures/<int:capture_id>/", views.capture_file, name="capture"),
    path("<int:pk>/actions/<int:action_id>/step/", views.action_step, name="action_step"),
    path("<int:pk>/<slug:action>/", views.entry_action, name="entry_action"),
]
