"""Achievements drawn from the rest of the system, through one small interface per source (pluggable).

A provider knows, for one kind of contribution, which ones a user may cite for a ward (``candidates``), how to
find one again by its reference (``get``), and whether a cited one may still be shown (``still_citable``: a
tipster may withdraw their consent after the nomination was written). Providers read through their own app's
access rules; the honours app never reads another app's models directly.

Implemented: verified tips (``tips``). Planned as the apps land: communication items published (comms), plan
tasks completed (plan), DNA donors mobilised (dna) — each registers a provider with ``register``.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone


@dataclass(frozen=True)
class Contribution:
    ref: str
    summary: str
    happened_on: dt.date | None
    needs_agreement: bool = False  # the person behind it must agree to be cited (a tipster)


class Provider(Protocol):
    key: str
    label: str

    def candidates(self, *, actor, ward, query: str = "") -> list[Contribution]: ...

    def get(self, *, actor, ward, ref: str) -> Contribution | None: ...

    def still_citable(self, ref: str) -> bool: ...


PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    PROVIDERS[provider.key] = provider


class VerifiedTips:
    """Tips the ward verified, cited only with the tipster's agreement; never an anonymous tip, nor one whose
    tipster withdrew their consent (their identity is erased: there is nobody to commend)."""

    key = "tips"
    label = "Thông tin đã xác minh"

    def _qs(self, actor, ward):
        from doantu.tips import access
        from doantu.tips.models import Privacy, TipStatus

        return (
            access.tips_visible_to(actor)
            .filter(ward=ward, status=TipStatus.VERIFIED, anonymous=False, consent_withdrawn_at__isnull=True)
            .exclude(privacy=Privacy.ANONYMOUS)
        )

    def _contribution(self, tip) -> Contribution:
        about = f", liệt sĩ {tip.martyr_names}" if tip.martyr_names else ""
        return Contribution(
            ref=f"tips.tip:{tip.pk}",
            summary=f"Cung cấp thông tin {tip.receipt_code} ({tip.get_kind_display().lower()}{about}), "
            "đã được xác minh",
            happened_on=timezone.localtime(tip.created_at).date(),
            needs_agreement=True,
        )

    def candidates(self, *, actor, ward, query: str = "") -> list[Contribution]:
        qs = self._qs(actor, ward)
        query = (query or "").strip().upper()
        if query:
            qs = qs.filter(receipt_code__icontains=query)
        return [self._contribution(t) for t in qs.order_by("-created_at")[:50]]

    def get(self, *, actor, ward, ref: str) -> Contribution | None:
        label, _, pk = ref.partition(":")
        if label != "tips.tip" or not pk.isdigit():
            return None
        tip = self._qs(actor, ward).filter(pk=int(pk)).first()
        return self._contribution(tip) if tip else None

    def still_citable(self, ref: str) -> bool:
        from doantu.tips.models import Privacy, Tip

        _, _, pk = ref.partition(":")
        tip = Tip.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
        return bool(
            tip
            and not tip.anonymous
            and tip.privacy != Privacy.ANONYMOUS
            and tip.consent_withdrawn_at is None
        )


register(VerifiedTips())
