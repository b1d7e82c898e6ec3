"""The real site's URLconf plus views that fail on purpose (for the error page tests)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from doantu import urls as site

# The site's own error handlers, whichever it sets (Django's defaults otherwise).
globals().update(
    {
        name: getattr(site, name)
        for name in ("handler400", "handler403", "handler404", "handler500")
        if hasattr(site, name)
    }
)


def _boom(request):
    raise RuntimeError("lỗi thử nghiệm")


def _denied(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("internal detail")


urlpatterns = [
    path("thu-loi/500/", _boom),
    path("thu-loi/403/", _denied),
    path("thu-loi/400/", _suspicious),
    path("api/thu-loi/500/", _boom),
    *site.urlpatterns,
]
