from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from doantu.api import api
from doantu.tips.urls import public, staff
from doantu.web import views as web_views

admin.site.site_header = "Đoàn Tụ — quản trị"
admin.site.site_title = "Đoàn Tụ"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("", include(public)),
    path("staff/", include(staff)),
    path("staff/registry/", include("doantu.registry.urls")),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", web_views.healthz, name="healthz"),
    path("ping", web_views.ping, name="ping"),
]
