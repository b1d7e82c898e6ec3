"""Refuse control characters at the edge, before any view, form or query sees them.

A NUL byte in a string reaches PostgreSQL as an error ("A string literal cannot contain NUL"), so a receipt
code, a search word or a note with one became a server error. No field of this system has a use for the C0
control characters either (tab, line feed and carriage return excepted: they are ordinary text). They are
refused wherever a client can put them: the path, the query string, the headers, form fields and JSON
strings (keys and values), with a 400 and a Vietnamese message (JSON for the API, the error page for pages).
"""

import json
import re

from django.conf import settings
from django.http import JsonResponse

from .errors import render_error

# C0 controls except tab (\x09), line feed (\x0a) and carriage return (\x0d).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MESSAGE = (
    "Dữ liệu gửi lên có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL). Hãy nhập lại bằng chữ thông thường."
)
FIELD_MESSAGE = "Có ký tự điều khiển không hợp lệ."
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _bad(text: str) -> bool:
    return CONTROL.search(text) is not None


def _bad_pairs(pairs) -> list[str]:
    """Names of the (name, value) pairs that carry a control character (in the name or the value)."""
    return [name for name, value in pairs if _bad(name) or (isinstance(value, str) and _bad(value))]


def _bad_json(value, path: str = "") -> list[str]:
    if isinstance(value, str):
        return [path or "__all__"] if _bad(value) else []
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            found += [name] if _bad(str(key)) else _bad_json(item, name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _bad_json(item, f"{path}.{i}" if path else str(i))
    return found


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def refusal(request, fields: list[str]):
    if _is_api(request):
        errors = {name: [FIELD_MESSAGE] for name in dict.fromkeys(fields)}
        return JsonResponse({"detail": MESSAGE, "errors": errors}, status=400)
    return render_error(request, 400, message=MESSAGE)


class RejectControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = []
        if _bad(request.path_info):
            fields.append("path")
        fields += _bad_pairs(_flat(request.GET))
        fields += [
            name.removeprefix("HTTP_").lower()
            for name, value in request.META.items()
            if name.startswith("HTTP_") and isinstance(value, str) and _bad(value)
        ]
        if fields:
            return refusal(request, fields)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Bodies are looked at once the URL is known (and after any middleware that refuses a body by its
        # declared size in its request phase), never read here beyond what the view would read anyway.
        if request.method not in _BODY_METHODS:
            return None
        content_type = request.content_type or ""
        if content_type == "application/json" or content_type.endswith("+json"):
            if _declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return None  # the view's own reading refuses it (RequestDataTooBig -> 400)
            try:
                data = json.loads(request.body or b"null")
            except ValueError:
                return None  # not JSON: the API answers that itself (400)
            fields = _bad_json(data)
        elif content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            if _declared_length(request) > (settings.TIP_MAX_TOTAL_MB + 2) * 1024 * 1024:
                return None  # larger than any form takes: refused by its size, never read here
            fields = _bad_pairs(_flat(request.POST))
        else:
            return None
        return refusal(request, fields) if fields else None


def _flat(querydict):
    return [(name, value) for name, values in querydict.lists() for value in values]


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
