"""The JSON API root (/api/), documented by its OpenAPI schema at /api/openapi.json."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI

from doantu.tips.api import public_router, staff_router
from doantu.tips.services import WorkflowError

api = NinjaAPI(
    title="Đoàn Tụ API",
    version="1",
    description=(
        "Tiếp nhận thông tin về liệt sĩ, mộ liệt sĩ, thân nhân (công khai, không cần tài khoản) và xử lý, "
        "chuyển xác minh (cán bộ; phiên đăng nhập hoặc `Authorization: Bearer <khóa API>`)."
    ),
    urls_namespace="api",
)
api.add_router("/public", public_router)
api.add_router("/", staff_router)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Không có quyền."}, status=403)


@api.exception_handler(WorkflowError)
def _conflict(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)
