from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from doantu.api import api
from doantu.org import twofactor
from doantu.tips.urls import public, staff
from doantu.web import views as web_views

admin.site.site_header = "Đoàn Tụ — quản trị"
admin.site.site_title = "Đoàn Tụ"
# The admin asks for the second step (and a new password after a reset) exactly as the staff pages do.
admin.site.__class__ = twofactor.StaffAdminSite

urlpatterns = [
    path("", web_views.home, name="home"),
    path("", include(public)),
    path("staff/", include(staff)),
    path("staff/registry/", include("doantu.registry.urls")),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/2fa/", twofactor.verify, name="twofactor_verify"),
    path("login/2fa/setup/", twofactor.setup, name="twofactor_setup"),
    path("login/password/", twofactor.password_change, name="password_change"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", web_views.healthz, name="healthz"),
    path("ping", web_views.ping, name="ping"),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]
