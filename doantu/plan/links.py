"""Links from a progress update to things other apps own: generic references ``(kind, ref)`` that the owning
app resolves and checks, for each viewer, by its own rules.

A kind is an object with ``label`` (Vietnamese), ``hint`` (what to type as the reference), ``check(user, ref)``
(the normalised reference if ``user`` may link it, else ``LinkError`` with a Vietnamese message) and
``resolve(user, ref)`` (a ``Resolved`` for a viewer who may see it, else None). Tips are linked now; the
communication items, events and DNA rounds of the ``comms`` and ``dna`` apps plug in the same way: add their
kind to ``KINDS`` here (this app sits above them) once they offer a selector that answers those questions.
"""

from dataclasses import dataclass

from django.urls import reverse


class LinkError(ValueError):
    pass


@dataclass(frozen=True)
class Resolved:
    label: str
    url: str


class TipLinks:
    """A tip, by its receipt code; seen through ``tips.access`` (only its code and kind are shown: an update
    is read by the whole ward, the tip's content only by those the tip's rules allow)."""

    label = "Thông tin tiếp nhận"
    hint = "mã biên nhận, ví dụ ABCD-2345"

    @staticmethod
    def _code(ref: str) -> str:
        code = (ref or "").strip().upper().replace(" ", "")
        if len(code) == 8 and "-" not in code:
            code = f"{code[:4]}-{code[4:]}"
        return code

    def _visible(self, user, ref: str):
        from doantu.tips import access

        return access.tips_visible_to(user).filter(receipt_code=self._code(ref)).first()

    def check(self, user, ref: str) -> str:
        tip = self._visible(user, ref)
        if tip is None:
            raise LinkError(f"Không tìm thấy thông tin có mã “{ref.strip()}” trong phạm vi bạn được xem.")
        return tip.receipt_code

    def resolve(self, user, ref: str) -> Resolved | None:
        tip = self._visible(user, ref)
        if tip is None:
            return None
        return Resolved(
            f"{tip.receipt_code} ({tip.get_kind_display().lower()})", reverse("staff:tip", args=[tip.pk])
        )


KINDS: dict[str, object] = {"tip": TipLinks()}


def kind_choices() -> list[tuple[str, str]]:
    return [(name, kind.label) for name, kind in KINDS.items()]


def check(user, kind: str, ref: str) -> str:
    if kind not in KINDS:
        raise LinkError(f"Không có loại liên kết “{kind}”.")
    if not (ref or "").strip():
        raise LinkError("Chưa ghi mã của mục cần liên kết.")
    return KINDS[kind].check(user, ref)


def resolve(user, kind: str, ref: str) -> Resolved | None:
    handler = KINDS.get(kind)
    return handler.resolve(user, ref) if handler else None
