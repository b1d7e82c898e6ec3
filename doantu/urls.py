from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from doantu.api import api
from doantu.org import twofactor
from doantu.tips.urls import public, staff
from doantu.web import views as web_views


class FaviconRedirect(RedirectView):
    """The static URL is looked up per request, not at import: with the manifest storage (production) a lookup
    needs the manifest, and commands that import the URLconf (migrate, check) run before collectstatic."""

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


admin.site.site_header = "Đoàn Tụ — quản trị"
admin.site.site_title = "Đoàn Tụ"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("", include(public)),
    path("staff/", include(staff)),
    path("staff/registry/", include("doantu.registry.urls")),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/2fa/", twofactor.verify, name="twofactor_verify"),
    path("login/2fa/setup/", twofactor.setup, name="twofactor_setup"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", web_views.healthz, name="healthz"),
    path("ping", web_views.ping, name="ping"),
    path("favicon.ico", FaviconRedirect.as_view(permanent=True)),
]

if settings.STAFF_2FA == "required":
    # The admin asks for the second step too (django-otp's admin site checks the verified session).
    from django_otp.admin import OTPAdminSite

    admin.site.__class__ = OTPAdminSite
