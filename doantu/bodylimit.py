"""Request bodies are bounded by the application itself, before anything reads them.

The first middleware: a request whose ``Content-Length`` is above its path's limit is answered 413 with a
Vietnamese message without reading a byte of the body (so neither the CSRF check, the upload handlers nor
ninja spool a huge body to disk first). A body sent without ``Content-Length`` (``Transfer-Encoding:
chunked``; Django itself would read none of it) is read here, at most the limit plus one byte, into a spooled
file that Django then reads as a body of known length; one byte over and the answer is 413.

Limits (settings): the public intake (the form behind each QR code and the API's submit) ``TIP_MAX_TOTAL_MB``
+ 2 MB for the form fields and multipart framing; staff uploads (registry imports and documents)
``STAFF_UPLOAD_MAX_MB`` + 2 MB; anything else ``REQUEST_MAX_BODY_MB``. Keep the reverse proxy's own limit
(nginx ``client_max_body_size``) at least as high as the largest of these.
"""

import tempfile

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

MB = 1024 * 1024
_CHUNK = 64 * 1024

INTAKE_VIEWS = {"public:intake", "public:doantu.tips.views_public.intake", "api:submit_tip"}
STAFF_UPLOAD_VIEWS = {"registry:imports", "registry:document_add"}


def body_limit(path: str) -> tuple[int, str]:
    """(limit in bytes, the message's advice) for a request path."""
    try:
        view = resolve(path).view_name
    except Resolver404:
        view = ""
    if view in INTAKE_VIEWS:
        return (settings.TIP_MAX_TOTAL_MB + 2) * MB, (
            f"Các tệp gửi kèm quá lớn (tổng cộng tối đa {settings.TIP_MAX_TOTAL_MB} MB). "
            "Hãy bớt tệp hoặc gửi video ngắn hơn."
        )
    if view in STAFF_UPLOAD_VIEWS:
        return (settings.STAFF_UPLOAD_MAX_MB + 2) * MB, (
            f"Tệp tải lên quá lớn (tối đa {settings.STAFF_UPLOAD_MAX_MB} MB). Hãy chia nhỏ tệp."
        )
    return settings.REQUEST_MAX_BODY_MB * MB, (
        f"Dữ liệu gửi lên quá lớn (tối đa {settings.REQUEST_MAX_BODY_MB} MB cho trang này)."
    )


def _too_large(request, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=413)
    else:
        html = render_to_string("web/too_large.html", {"message": message}, request=request)
        response = HttpResponse(html, status=413)
    # The rest of the body is never read: tell the client (and the server) this connection is finished.
    response["Connection"] = "close"
    return response


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH")
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if declared or chunked:
            limit, message = body_limit(request.path_info)
            if declared:
                try:
                    length = int(declared)
                except ValueError:
                    length = -1
                if length < 0:
                    return HttpResponse("Content-Length không hợp lệ.", status=400)
                if length > limit:
                    return _too_large(request, message)
            elif not self._spool(request, limit):
                return _too_large(request, message)
        return self.get_response(request)

    @staticmethod
    def _spool(request, limit: int) -> bool:
        """Read a body of unknown length (at most ``limit`` + 1 bytes) and give it to Django with its length."""
        source = request.environ["wsgi.input"]
        spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - it outlives this call: it is the request's body
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        size = 0
        while chunk := source.read(min(_CHUNK, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                spool.close()
                return False
            spool.write(chunk)
        spool.seek(0)
        request._stream = LimitedStream(spool, size)
        request.META["CONTENT_LENGTH"] = str(size)
        request._body_spool = spool  # closed (and removed) with the request
        return True
