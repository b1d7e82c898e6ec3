"""Links from a progress update to things other apps own: generic references ``(kind, ref)`` that the owning
app resolves and checks, for each viewer, by its own rules.

A kind is an object with ``label`` (Vietnamese), ``hint`` (what to type as the reference), ``check(user, ref)``
(the normalised reference if ``user`` may link it, else ``LinkError`` with a Vietnamese message) and
``resolve(user, ref)`` (a ``Resolved`` for a viewer who may see it, else None). Linked: tips (``tips``),
communication items and activities held (``comms``), the campaign's peaks, the events of the plan's timing
(``comms``), and DNA collection rounds (``dna``), each through its own app's access rules (this app sits above
them).
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


def _number(ref: str, what: str) -> int:
    ref = (ref or "").strip().lstrip("#")
    if not ref.isdigit() or len(ref) > 12:
        raise LinkError(f"“{ref}”: hãy ghi số của {what} (chỉ gồm chữ số).")
    return int(ref)


class _ByNumber:
    """Something another app owns, referred to by its number (shown in its page's address), seen through that
    app's access rules (``visible(user)``: a queryset of what the user may see)."""

    label = ""
    hint = ""
    what = ""

    def visible(self, user):  # pragma: no cover - each kind gives its own
        raise NotImplementedError

    def shown(self, obj) -> Resolved:  # pragma: no cover
        raise NotImplementedError

    def _find(self, user, ref: str):
        try:
            pk = _number(ref, self.what)
        except LinkError:
            return None
        return self.visible(user).filter(pk=pk).first()

    def check(self, user, ref: str) -> str:
        pk = _number(ref, self.what)
        if self.visible(user).filter(pk=pk).first() is None:
            raise LinkError(f"Không tìm thấy {self.what} số {pk} trong phạm vi bạn được xem.")
        return str(pk)

    def resolve(self, user, ref: str) -> Resolved | None:
        obj = self._find(user, ref)
        return self.shown(obj) if obj is not None else None


class ContentItemLinks(_ByNumber):
    """A communication item or an activity held (``comms``), by its number."""

    label = "Sản phẩm truyền thông, hoạt động"
    hint = "số của tin bài / hoạt động (trên địa chỉ trang của nó: …/staff/comms/san-pham/12/ → 12)"
    what = "tin bài / hoạt động"

    def visible(self, user):
        from doantu.comms import access

        return access.items_visible_to(user)

    def shown(self, item) -> Resolved:
        return Resolved(
            f"{item.title} ({item.get_status_display().lower()})", reverse("comms:item", args=[item.pk])
        )


class PeakLinks(_ByNumber):
    """One of the campaign's peaks (27/7, 22/12…) and its communication work (``comms``)."""

    label = "Đợt cao điểm"
    hint = "số của đợt cao điểm (trên địa chỉ trang của nó: …/staff/comms/cao-diem/3/ → 3)"
    what = "đợt cao điểm"

    def visible(self, user):
        from doantu.comms import access

        return access.peaks_visible_to(user).select_related("peak_date")

    def shown(self, peak) -> Resolved:
        return Resolved(
            f"{peak.peak_date.name} ({peak.date:%d/%m/%Y})", reverse("comms:peak", args=[peak.pk])
        )


class DnaRoundLinks(_ByNumber):
    """A DNA collection round with the ward police (``dna``)."""

    label = "Đợt lấy mẫu ADN"
    hint = "số của đợt lấy mẫu (trên địa chỉ trang của nó: …/staff/dna/rounds/4/ → 4)"
    what = "đợt lấy mẫu ADN"

    def visible(self, user):
        from doantu.dna import access

        return access.rounds(user)

    def shown(self, collection_round) -> Resolved:
        return Resolved(
            f"{collection_round.name} ({collection_round.date:%d/%m/%Y})",
            reverse("dna:round", args=[collection_round.pk]),
        )


KINDS: dict[str, object] = {
    "tip": TipLinks(),
    "comms_item": ContentItemLinks(),
    "peak": PeakLinks(),
    "dna_round": DnaRoundLinks(),
}


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
