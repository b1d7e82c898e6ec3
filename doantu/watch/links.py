"""Generic references from a rebuttal to the communication item it was published as ("comms.contentitem:12").

The watch does not reach into another app's models: the app that owns the item registers a resolver here
(``register``), which says whether ``actor`` may link that item for that ward and how to name and link it.
Until a communications app registers one, a rebuttal is published with the address where it can be read, and a
reference is refused (it could not be checked). The communications app (``doantu.comms``) is resolved below,
through its own access rules (``comms.access.items_visible_to``): a content item of the entry's ward that the
actor may see; a rebuttal is published through it only once the item itself is published (IV.5 items, with its
own evidence), and it reaches the public campaign page when the item is marked public.
"""

from collections.abc import Callable
from dataclasses import dataclass

from doantu.tips.services import WorkflowError


@dataclass(frozen=True)
class ContentLink:
    ref: str
    title: str
    url: str = ""
    public_url: str = ""
    published: bool = False
    public: bool = False  # marked by the staff to show on the public campaign page
    rebuttal: bool = False  # an item of the plan's topic IV.5 (the campaign page's "rebuttals" section)

    @property
    def on_public_page(self) -> bool:
        """Whether the public campaign page (``/chien-dich/``) shows it among its rebuttals: published, marked
        public and of topic IV.5 (``comms.public.page_context``)."""
        return self.published and self.public and self.rebuttal


# app label -> resolver(pk: str, actor, ward) -> ContentLink | None
RESOLVERS: dict[str, Callable] = {}
# app label -> lister(actor, ward) -> list[ContentLink]: the items a rebuttal may be linked to, to choose from
LISTERS: dict[str, Callable] = {}


# app label -> shown(pk: str, ward) -> ContentLink | None: the item as the public campaign page shows it (public
# knowledge: for a reader of the entry whom the owning app does not let see the item itself, e.g. the police)
PUBLIC: dict[str, Callable] = {}


def register(
    app_label: str, resolver: Callable, lister: Callable | None = None, public: Callable | None = None
) -> None:
    RESOLVERS[app_label] = resolver
    if lister is not None:
        LISTERS[app_label] = lister
    if public is not None:
        PUBLIC[app_label] = public


def on_public_page(ref: str, *, ward) -> ContentLink | None:
    """The item if the public campaign page shows it among the rebuttals, else None (no access rules: the page is
    public)."""
    app_label, pk = parse(ref)
    shown = PUBLIC.get(app_label)
    return shown(pk, ward) if shown else None


def candidates(*, actor, ward) -> list[ContentLink]:
    """The communication items ``actor`` may link a rebuttal of ``ward`` to (each app's own rules)."""
    return [link for lister in LISTERS.values() for link in lister(actor, ward)]


def parse(ref: str) -> tuple[str, str]:
    label, _, pk = (ref or "").strip().partition(":")
    app_label = label.split(".", 1)[0]
    if not label or not pk.isdigit():
        raise WorkflowError("Mã tin bài không hợp lệ (dạng “comms.contentitem:12”).")
    return app_label, pk


def resolve(ref: str, *, actor, ward) -> ContentLink | None:
    app_label, pk = parse(ref)
    resolver = RESOLVERS.get(app_label)
    return resolver(pk, actor, ward) if resolver else None


def check_content(ref: str, *, actor, ward) -> ContentLink:
    app_label, _pk = parse(ref)
    if app_label not in RESOLVERS:
        raise WorkflowError(
            "Chưa có phân hệ tin bài truyền thông để gắn; hãy ghi đường dẫn nơi đã đăng bài phản bác."
        )
    found = resolve(ref, actor=actor, ward=ward)
    if found is None:
        raise WorkflowError("Không tìm thấy tin bài này trong phường (hoặc bạn không có quyền xem).")
    return found


def _content_link(item) -> ContentLink:
    from django.urls import reverse

    from doantu.comms.models import ContentStatus, Topic

    return ContentLink(
        ref=f"comms.contentitem:{item.pk}",
        title=item.title,
        url=reverse("comms:item", args=[item.pk]),
        public_url=item.evidence_url,
        published=item.status == ContentStatus.PUBLISHED,
        public=item.public,
        rebuttal=item.topic == Topic.REBUTTAL,
    )


def _comms_item(pk: str, actor, ward) -> ContentLink | None:
    from doantu.comms import access as comms_access

    item = comms_access.items_visible_to(actor).filter(pk=int(pk), ward=ward).first()
    return _content_link(item) if item is not None else None


# How many items of topic IV.5 the rebuttal forms offer (the newest; a ward writes a few a month).
CANDIDATES_SHOWN = 50


def _comms_candidates(actor, ward) -> list[ContentLink]:
    """The ward's items of topic IV.5 that are not withdrawn, newest first, as the actor may see them."""
    from doantu.comms import access as comms_access
    from doantu.comms.models import ContentStatus, Topic

    items = (
        comms_access.items_visible_to(actor)
        .filter(ward=ward, topic=Topic.REBUTTAL)
        .exclude(status=ContentStatus.WITHDRAWN)
        .order_by("-planned_date", "-pk")[:CANDIDATES_SHOWN]
    )
    return [_content_link(item) for item in items]


def _comms_public(pk: str, ward) -> ContentLink | None:
    from doantu.comms import public
    from doantu.comms.models import Topic

    item = public.public_items(ward).filter(pk=int(pk), topic=Topic.REBUTTAL).first()
    return _content_link(item) if item is not None else None


def _register_comms() -> None:
    from django.apps import apps

    if apps.is_installed("doantu.comms"):
        register("comms", _comms_item, _comms_candidates, _comms_public)
