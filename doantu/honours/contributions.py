"""Achievements drawn from the rest of the system, through one small interface per source (pluggable).

A provider knows, for one kind of contribution, which ones a user may cite for a ward (``candidates``), how to
find one again by its reference (``get``), and whether a cited one may still be shown (``still_citable``: a
tipster may withdraw their consent after the nomination was written). Providers read through their own app's
access rules; the honours app never reads another app's models directly.

Implemented, each registered with ``register`` and reading through its own app's selectors:

- verified tips (``tips``), only with the tipster's agreement;
- communication items published or activities held (``comms``), naming the unit and the person in charge, so a
  collective or an individual may cite them; a withdrawn item drops out;
- plan tasks reported done (``plan``), one per agency's update; an update changed from "done" drops out;
- DNA donors mobilised (``dna``): how many relatives of a residential group agreed to give (and gave) a reference
  sample — a count, never who. Who persuaded a donor is not recorded, so only a residential group can cite it.
  The count cited is part of the reference: once withdrawals bring it below that, the achievement drops out.
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


def _pk(ref: str, label: str) -> int | None:
    head, _, pk = ref.partition(":")
    return int(pk) if head == label and pk.isdigit() else None


def _date(value) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


class PublishedItems:
    """Communication items of the ward published (or activities held), as the actor may see them."""

    key = "comms"
    label = "Sản phẩm truyền thông đã đăng"

    def _contribution(self, item) -> Contribution:
        who = item.owner_unit.name + (f", phụ trách: {item.owner.display_name}" if item.owner_id else "")
        return Contribution(
            ref=f"comms.item:{item.pk}",
            summary=f"{item.get_kind_display()} «{item.title}» {'đã tổ chức' if item.is_activity else 'đã đăng'} "
            f"({who})",
            happened_on=item.held_on or _date(item.published_at) or item.planned_date,
        )

    def candidates(self, *, actor, ward, query: str = "") -> list[Contribution]:
        from doantu.comms import selectors

        return [self._contribution(i) for i in selectors.published_items(actor, ward, query)[:50]]

    def get(self, *, actor, ward, ref: str) -> Contribution | None:
        from doantu.comms import selectors

        pk = _pk(ref, "comms.item")
        item = selectors.published_items(actor, ward).filter(pk=pk).first() if pk else None
        return self._contribution(item) if item else None

    def still_citable(self, ref: str) -> bool:
        from doantu.comms import selectors

        pk = _pk(ref, "comms.item")
        return bool(pk and selectors.item_still_published(pk))


class TasksDone:
    """Plan tasks an agency reported done, one per update, as the actor may see them."""

    key = "plan"
    label = "Nhiệm vụ kế hoạch đã hoàn thành"

    def _contribution(self, update) -> Contribution:
        task = update.task
        # A plan loaded without a number (the seed's "/KH-UBND", to be filled in) is named by its date: its title
        # is a sentence long and would fill the achievement's cell of the list.
        number = f"số {task.plan.number} " if task.plan.number[:1].isdigit() else ""
        # "phường Đức Xuân" inside a sentence
        ward = task.plan.ward.name[:1].lower() + task.plan.ward.name[1:]
        plan = f"kế hoạch {number}ngày {task.plan.issued:%d/%m/%Y} của UBND {ward}"
        return Contribution(
            ref=f"plan.update:{update.pk}",
            summary=f"{update.unit.name} báo cáo hoàn thành nhiệm vụ {task.code} «{task.title}» ({plan})",
            happened_on=_date(update.created_at),
        )

    def candidates(self, *, actor, ward, query: str = "") -> list[Contribution]:
        from doantu.plan import selectors

        return [self._contribution(u) for u in selectors.done_updates(actor, ward, query)[:50]]

    def get(self, *, actor, ward, ref: str) -> Contribution | None:
        from doantu.plan import selectors

        pk = _pk(ref, "plan.update")
        update = selectors.done_updates(actor, ward).filter(pk=pk).first() if pk else None
        return self._contribution(update) if update else None

    def still_citable(self, ref: str) -> bool:
        from doantu.plan import selectors

        pk = _pk(ref, "plan.update")
        return bool(pk and selectors.update_still_done(pk))


class DonorsMobilised:
    """Per residential group: relatives who agreed to give (and gave) a reference sample. A count, never who."""

    key = "dna"
    label = "Vận động thân nhân cho mẫu ADN"

    def _contribution(self, row) -> Contribution:
        return Contribution(
            ref=f"dna.group:{row.group.pk}:{row.consented}",
            summary=f"{row.group.name}: vận động {row.consented} thân nhân liệt sĩ đồng ý cho mẫu ADN đối chiếu, "
            f"{row.sampled} người đã được lấy mẫu",
            happened_on=row.latest,
        )

    def _parse(self, ref: str) -> tuple[int, int] | None:
        head, _, rest = ref.partition(":")
        group, _, count = rest.partition(":")
        if head != "dna.group" or not (group.isdigit() and count.isdigit()):
            return None
        return int(group), int(count)

    def candidates(self, *, actor, ward, query: str = "") -> list[Contribution]:
        from doantu.dna import selectors

        query = (query or "").strip().lower()
        rows = selectors.mobilised_by_group(actor, ward)
        return [self._contribution(r) for r in rows if query in r.group.name.lower()]

    def get(self, *, actor, ward, ref: str) -> Contribution | None:
        from doantu.dna import selectors

        parsed = self._parse(ref)
        if parsed is None:
            return None
        for row in selectors.mobilised_by_group(actor, ward):
            # Only the count as it stands now can be cited.
            if (row.group.pk, row.consented) == parsed:
                return self._contribution(row)
        return None

    def still_citable(self, ref: str) -> bool:
        from doantu.dna import selectors

        parsed = self._parse(ref)
        return bool(parsed and selectors.mobilised_count(parsed[0]) >= parsed[1])


register(PublishedItems())
register(TasksDone())
register(DonorsMobilised())
