"""The JSON API root (/api/), documented by its OpenAPI schema at /api/openapi.json.

Every error is answered in JSON, in Vietnamese, in the shape the schema declares (``doantu.api_errors``)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI, Router
from ninja.constants import NOT_SET
from ninja.errors import HttpError, ValidationError

from doantu.api_errors import INVALID_REQUEST, declare_error_responses, validation_errors
from doantu.comms.api import FormInvalid, comms_router
from doantu.comms.services import CommsError
from doantu.dna.api import router as dna_router
from doantu.honours.api import router as honours_router
from doantu.plan.api import router as plan_router
from doantu.plan.services import PlanError
from doantu.registry.api import router as registry_router
from doantu.reports.api import router as reports_router
from doantu.reports.services import ReportError
from doantu.tips.api import public_router, staff_router
from doantu.tips.services import WorkflowError
from doantu.watch.api import router as watch_router


class DoanTuAPI(NinjaAPI):
    def add_router(self, prefix, router, *, auth=NOT_SET, **kwargs):
        if isinstance(router, Router):
            declare_error_responses(router, auth=auth if auth is not NOT_SET else self.auth)
        return super().add_router(prefix, router, auth=auth, **kwargs)


api = DoanTuAPI(
    title="Đoàn Tụ API",
    version="1",
    description=(
        "Tiếp nhận thông tin về liệt sĩ, mộ liệt sĩ, thân nhân (công khai, không cần tài khoản) và xử lý, "
        "chuyển xác minh (cán bộ; phiên đăng nhập hoặc `Authorization: Bearer <khóa API>`).\n\n"
        "Mọi lỗi trả về JSON có `detail` (tiếng Việt); lỗi dữ liệu (400, 422) thêm `errors`: tên trường → "
        "danh sách thông báo."
    ),
    urls_namespace="api",
)
api.add_router("/public", public_router)
api.add_router("/", staff_router)
api.add_router("/", watch_router)
api.add_router("/", honours_router)
api.add_router("/", comms_router)
api.add_router("/", plan_router)
api.add_router("/dna", dna_router)
api.add_router("/", reports_router)
api.add_router("/", registry_router)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Không có quyền."}, status=403)


@api.exception_handler(WorkflowError)
def _conflict(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(PlanError)
def _plan_refused(request, exc):
    return api.create_response(
        request, {"detail": INVALID_REQUEST, "errors": {"__all__": exc.problems}}, status=422
    )


@api.exception_handler(CommsError)
def _comms_refused(request, exc):
    return api.create_response(request, {"detail": str(exc), "errors": {"__all__": [str(exc)]}}, status=422)


@api.exception_handler(FormInvalid)
def _form_invalid(request, exc):
    return api.create_response(request, {"detail": INVALID_REQUEST, "errors": exc.errors}, status=422)


@api.exception_handler(ReportError)
def _report_refused(request, exc):
    return api.create_response(request, {"detail": str(exc), "errors": {}}, status=400)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    body = {"detail": INVALID_REQUEST, "errors": validation_errors(exc.errors)}
    return api.create_response(request, body, status=422)


# ninja's own messages (English) in Vietnamese; our code raises HttpError with Vietnamese words already.
_HTTP_ERROR_WORDS = {
    "Cannot parse request body": "Không đọc được nội dung gửi lên (JSON không hợp lệ?).",
    "CSRF check Failed": "Kiểm tra CSRF không đạt: hãy tải lại trang, hoặc dùng khóa API.",
    "Unauthorized": "Cần đăng nhập, hoặc một khóa API hợp lệ (Authorization: Bearer …).",
    "Forbidden": "Không có quyền.",
    "Too many requests.": "Quá nhiều yêu cầu; hãy thử lại sau ít phút.",
}


@api.exception_handler(HttpError)
def _http_error(request, exc):
    message = str(exc)
    detail = _HTTP_ERROR_WORDS.get(message.split(" (")[0], message)
    body = {"detail": detail}
    if exc.status_code in (400, 422):
        body["errors"] = {}
    return api.create_response(request, body, status=exc.status_code)
