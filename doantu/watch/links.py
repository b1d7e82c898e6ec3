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
    public: bool = False  # shown on the public campaign page once published


# app label -> resolver(pk: str, actor, ward) -> ContentLink | None
RESOLVERS: dict[str, Callable] = {}


def register(app_label: str, resolver: Callable) -> None:
    RESOLVERS[app_label] = resolver


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


def _comms_item(pk: str, actor, ward) -> ContentLink | None:
    from django.urls import reverse

    from doantu.comms import access as comms_access
    from doantu.comms.models import ContentStatus

    item = comms_access.items_visible_to(actor).filter(pk=int(pk), ward=ward).first()
    if item is None:
        return None
    return ContentLink(
        ref=f"comms.contentitem:{item.pk}",
        title=item.title,
        url=reverse("comms:item", args=[item.pk]),
        public_url=item.evidence_url,
        published=item.status == ContentStatus.PUBLISHED,
        public=item.public,
    )


def _register_comms() -> None:
    from django.apps import apps

    if apps.is_installed("doantu.comms"):
        register("comms", _comms_item)
