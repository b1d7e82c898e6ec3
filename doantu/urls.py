from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from doantu.api import api
from doantu.comms import urls_posters as comms_urls
from doantu.comms.urls import public as comms_public
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
# The admin asks for the second step (and a new password after a reset) exactly as the staff pages do.
admin.site.__class__ = twofactor.StaffAdminSite

urlpatterns = [
    path("", web_views.home, name="home"),
    path("", include(public)),
    path("staff/", include(staff)),
    path("staff/registry/", include("doantu.registry.urls")),
    path("staff/notifications/", include("doantu.notify.urls")),
    path("staff/watch/", include("doantu.watch.urls")),
    path("staff/honours/", include("doantu.honours.urls")),
    path("staff/comms/", include("doantu.comms.urls")),
    path("staff/comms/", include(comms_urls.staff)),  # posters, what each piece brought in
    path("", include(comms_urls.public)),  # /chien-dich/, the public campaign page
    path("", include(comms_public)),
    path("staff/plan/", include("doantu.plan.urls")),
    path("staff/dna/", include("doantu.dna.urls")),
    path("staff/so-lieu/", include("doantu.reports.urls")),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/2fa/", twofactor.verify, name="twofactor_verify"),
    path("login/2fa/setup/", twofactor.setup, name="twofactor_setup"),
    path("login/password/", twofactor.password_change, name="password_change"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", web_views.healthz, name="healthz"),
    path("ping", web_views.ping, name="ping"),
    path("favicon.ico", FaviconRedirect.as_view(permanent=True)),
]

# Vietnamese error pages with the ward's contact; JSON under /api/ (doantu/web/errors.py).
handler400 = "doantu.web.errors.bad_request"
handler403 = "doantu.web.errors.permission_denied"
handler404 = "doantu.web.errors.page_not_found"
handler500 = "doantu.web.errors.server_error"
