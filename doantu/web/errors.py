"""Error pages (400, 403, 404, 500 and a failed CSRF check), in Vietnamese.

Pages carry the ward's public contact (phone, address, opening hours; each only when set) so someone who
scanned a mistyped or withdrawn QR code knows whom to call. Under /api/ the answer is JSON in the API's shape.
The 500 page is rendered without context processors, and shows the contact only if the database answers.
"""

import logging
import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)
SLUG = re.compile(r"[-a-zA-Z0-9_]+")

TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy trang",
    500: "Hệ thống đang gặp sự cố",
}
API_DETAIL = {
    400: "Yêu cầu không hợp lệ.",
    403: "Không có quyền.",
    404: "Không tìm thấy.",
    500: "Hệ thống đang gặp sự cố; hãy thử lại sau.",
}
CSRF_MESSAGE = (
    "Trang đã mở quá lâu hoặc trình duyệt đang chặn cookie, nên hệ thống không xác nhận được lần gửi này. "
    "Hãy tải lại trang rồi gửi lại (những gì đã nhập có thể cần nhập lại)."
)


def _is_api(request) -> bool:
    return request is not None and request.path_info.startswith("/api/")


def public_contacts(request=None) -> list:
    """The wards whose contact to show: the ward of the QR code in the path (/t/<code>, even withdrawn),
    otherwise every active ward that has set one."""
    from doantu.org.models import OrgUnit, UnitKind
    from doantu.tips.models import Source

    wards = OrgUnit.objects.filter(kind=UnitKind.WARD, active=True)
    path = request.path_info if request is not None else ""
    if path.startswith("/t/"):
        code = path[3:].strip("/")
        valid = SLUG.fullmatch(code) is not None and len(code) <= 40  # as the URL pattern would take it
        source = Source.objects.filter(code=code).select_related("ward").first() if valid else None
        if source is not None and source.ward.has_contact:
            return [source.ward]
    return [w for w in wards.order_by("path")[:5] if w.has_contact]


def _not_found_message(request) -> str:
    path = request.path_info
    if path.startswith("/t/"):
        return (
            "Mã QR hoặc đường dẫn này không đúng, hoặc đã ngừng sử dụng. Hãy kiểm tra lại đường dẫn, "
            "hoặc liên hệ UBND phường để được hướng dẫn."
        )
    if path.startswith("/bien-nhan/"):
        return "Không tìm thấy mã biên nhận này. Hãy kiểm tra lại mã, hoặc tra cứu bằng mã và 4 số cuối điện thoại."
    return "Trang bạn tìm không có hoặc đã được chuyển đi. Hãy kiểm tra lại đường dẫn."


def render_error(request, status: int, *, message: str = "") -> HttpResponse:
    """An error page (or JSON under /api/) for a 400, 403 or 404."""
    if _is_api(request):
        body = {"detail": message or API_DETAIL[status]}
        if status == 400:
            body["errors"] = {}
        return JsonResponse(body, status=status)
    context = {
        "status": status,
        "title": TITLES[status],
        "message": message,
        "contacts": public_contacts(request),
    }
    html = loader.render_to_string(f"{status}.html", context, request=request)
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    # The exception's text is Django's, in English and internal (a bad Host header, a broken upload).
    return render_error(request, 400)


def permission_denied(request, exception=None):
    # Our services refuse with a sentence in Vietnamese meant for the person; Django's own refusals carry none.
    return render_error(request, 403, message=str(exception or "") or "")


def page_not_found(request, exception=None):
    if _is_api(request):
        return render_error(request, 404)
    return render_error(request, 404, message=_not_found_message(request))


def csrf_failure(request, reason=""):
    if _is_api(request):
        return JsonResponse(
            {"detail": "Kiểm tra CSRF không đạt: hãy tải lại trang, hoặc dùng khóa API."}, status=403
        )
    return render_error(request, 403, message=CSRF_MESSAGE)


def server_error(request=None):
    """No context processors, no session, no user: only the template and, if the database answers, the
    ward's contact (a 500 may be the database failing; the page must render all the same)."""
    if _is_api(request):
        return JsonResponse({"detail": API_DETAIL[500]}, status=500)
    try:
        contacts = public_contacts(request)
    except Exception:  # the page must render whatever failed; the cause is logged with the original error
        logger.warning("500 page: the ward's contact could not be read", exc_info=True)
        contacts = []
    context = {"title": TITLES[500], "contacts": contacts, "static_url": settings.STATIC_URL}
    return HttpResponse(loader.get_template("500.html").render(context), status=500)
