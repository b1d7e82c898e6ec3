"""Error bodies of the JSON API: their schemas, the Vietnamese words for a request that does not validate,
and the declaration of every error an operation can answer with (so the OpenAPI schema tells the truth).

Every error body has a ``detail`` sentence in Vietnamese; validation errors (400, 422) add ``errors``: the
field's name -> its messages, as the public form does."""

from typing import Any

from ninja import Router, Schema
from ninja.constants import NOT_SET


class Detail(Schema):
    detail: str


class ErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


INVALID_REQUEST = "Thông tin gửi chưa hợp lệ."


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors as an error body's ``errors``: field name (``__all__`` for the form's own) ->
    its Vietnamese messages."""
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


# Where a parameter comes from, as ninja names it in an error's ``loc``; the field name follows.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def _number(value: Any) -> str:
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def _message(error: dict) -> str:
    """A pydantic error in Vietnamese, from its type and context (never its English text)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return "Vui lòng điền mục này."
    if kind == "string_too_long":
        return f"Tối đa {_number(ctx.get('max_length'))} ký tự."
    if kind == "string_too_short":
        return f"Cần ít nhất {_number(ctx.get('min_length'))} ký tự."
    if kind == "string_pattern_mismatch":
        return "Không đúng định dạng."
    if kind in {"greater_than_equal", "greater_than"}:
        limit = _number(ctx.get("ge", ctx.get("gt")))
        return (
            f"Phải lớn hơn hoặc bằng {limit}." if kind == "greater_than_equal" else f"Phải lớn hơn {limit}."
        )
    if kind in {"less_than_equal", "less_than"}:
        limit = _number(ctx.get("le", ctx.get("lt")))
        return f"Phải nhỏ hơn hoặc bằng {limit}." if kind == "less_than_equal" else f"Phải nhỏ hơn {limit}."
    if kind.startswith("int_"):
        return "Phải là một số nguyên."
    if kind.startswith("float_") or kind.startswith("decimal_"):
        return "Phải là một số."
    if kind.startswith("bool_"):
        return "Phải là true hoặc false."
    if kind.startswith("date") or kind.startswith("datetime"):
        return "Ngày không hợp lệ (dạng YYYY-MM-DD)."
    if kind.startswith("string_") or kind == "str_type":
        return "Phải là một chuỗi ký tự."
    if kind in {"literal_error", "enum"}:
        return "Giá trị không nằm trong các lựa chọn cho phép."
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "Phải là một đối tượng JSON."
    if kind == "list_type":
        return "Phải là một danh sách."
    if kind == "json_invalid":
        return "Nội dung JSON không hợp lệ."
    return "Giá trị không hợp lệ."


def _field(loc: list | tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "payload":  # the schema argument's own name says nothing to a client
        parts = parts[1:]
    return ".".join(parts) if parts and parts != ["payload"] else "__all__"


def validation_errors(errors: list[dict]) -> dict[str, list[str]]:
    """ninja's validation errors -> {field: [Vietnamese message, ...]}."""
    out: dict[str, list[str]] = {}
    for error in errors:
        out.setdefault(_field(error.get("loc", ())), []).append(_message(error))
    return out


# The errors every operation may answer with, besides its own declared responses.
#   400: a character the system refuses (a NUL byte...) or a body that is not JSON
#   404: an object not found or not visible to the caller
#   422: parameters or body not matching the schema (or failing the form's rules)
# With authentication: 401 (no valid session or key), 403 (no right, or a failed CSRF check).
# With a request body: 409 (the workflow refuses), 413 (body too large), 429 (too many requests).
COMMON_ERRORS: dict[int, type[Schema]] = {400: ErrorsOut, 404: Detail, 422: ErrorsOut}
AUTH_ERRORS: dict[int, type[Schema]] = {401: Detail, 403: Detail}
WRITE_ERRORS: dict[int, type[Schema]] = {409: Detail, 413: Detail, 429: Detail}


def declare_error_responses(router: Router, *, auth: Any = NOT_SET) -> None:
    """Add the error responses an operation can return to every operation of ``router`` (and its children)
    that does not declare them itself, so the OpenAPI schema and the answers agree.

    ``auth``: the authentication the router is mounted with (an operation's own ``auth`` comes first)."""
    if router.auth is not NOT_SET:
        auth = router.auth
    for view in router.path_operations.values():
        for operation in view.operations:
            if len(operation.response_models) == 1 and 200 not in operation.response_models:
                # ninja answers with the only declared status when a view returns a bare body; adding codes
                # would change that. Such an operation must declare its responses as a dict itself.
                continue
            codes = dict(COMMON_ERRORS)
            own = operation.auth_param if operation.auth_param is not NOT_SET else auth
            if own not in (NOT_SET, None) and own != []:
                codes |= AUTH_ERRORS
            if set(operation.methods) & {"POST", "PUT", "PATCH", "DELETE"}:
                codes |= WRITE_ERRORS
            for code, schema in codes.items():
                if code not in operation.response_models:
                    operation.response_models[code] = operation._create_response_model(schema)
    for _prefix, child, *_ in router._routers:
        declare_error_responses(child, auth=auth)
