from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.plan_home, name="home"),
    path("tuan-nay/", views.my_week, name="my_week"),
    path("nap/", views.plan_import, name="import"),
    path("<int:pk>/", views.overview, name="overview"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task"),
    path("bao-cao/<int:pk>/sua/", views.update_edit, name="update_edit"),
    path("minh-chung/<int:pk>/", views.evidence, name="evidence"),
]
