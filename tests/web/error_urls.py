"""The real site's URLconf plus views that fail on purpose (for the error page tests)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from doantu.urls import handler400, handler403, handler404, handler500  # noqa: F401
from doantu.urls import urlpatterns as site_patterns


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
    *site_patterns,
]
