"""Staff pages of the misinformation watch. Views read the request, call one service or selector, render;
``watch.access`` decides, inside every service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from doantu.tips.views_staff import staff_required

from . import access, indicators, links, selectors, services
from .forms import ActionForm, CaptureForm, EditForm, EntryForm, ReasonForm, StepForm, content_choices
from .models import Action, Capture, EntryStatus


def _require_watch(user) -> None:
    if not access.can_use_watch(user):
        raise PermissionDenied("Chỉ Phòng VH-XH, Công an phường, Ban Xây dựng Đảng và lãnh đạo xem mục này.")


def _entry(request, pk: int):
    _require_watch(request.user)
    return get_object_or_404(access.entries_visible_to(request.user), pk=pk)


@staff_required
@require_safe
def entry_list(request):
    user = request.user
    _require_watch(user)
    status = request.GET.get("trang-thai", "open")
    entries = selectors.entries(user, status=status if status in EntryStatus.values else None)
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    ward = user.ward
    figures = None
    if ward is not None:
        # The registry's own functions (one source for every figure), over the campaign so far.
        period = selectors.campaign_so_far(ward)
        referrals = indicators.referrals(ward, period)
        figures = {
            "open": indicators.open_items(ward, period),
            "rebuttal_days": indicators.time_to_rebuttal(ward, period),
            "rebuttals": len(indicators.rebuttal_days(ward, period)),
            "referrals": referrals.total(),
            "resolved": referrals.get("resolved"),
            "period": period,
        }
    context = {
        "page": page,
        "status": status,
        "statuses": EntryStatus,
        "figures": figures,
        "can_record": access.can_record(user),
    }
    return render(request, "watch/list.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def entry_new(request):
    user = request.user
    if not access.can_record(user):
        raise PermissionDenied("Tài khoản này không ghi nhận tin sai sự thật.")
    form = EntryForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            values = {
                k: d[k]
                for k in (
                    "platform",
                    "link",
                    "found_at",
                    "first_seen",
                    "estimated_reach",
                    "claim",
                    "assessment",
                    "severity",
                )
            }
            try:
                entry = services.entry_create(
                    actor=user, values=values, uploads=d["files"], captured_at=d["captured_at"]
                )
            except services.WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Đã ghi nhận {entry.code}.")
                return redirect(entry.get_absolute_url())
        status = 400
    return render(request, "watch/new.html", {"form": form}, status=status)


def _content_choices(request, entry) -> list[tuple[str, str]]:
    return content_choices(links.candidates(actor=request.user, ward=entry.ward))


def _context(request, entry, **overrides) -> dict:
    user = request.user
    can_manage = access.can_manage(user, entry)
    choices = _content_choices(request, entry) if can_manage else []
    actions = list(entry.actions.prefetch_related("steps__by", "groups").select_related("created_by"))
    for action in actions:
        action.advance = access.can_advance(user, action) and bool(action.next_statuses())
        action.choices = [
            (s, label) for s, label in StepForm.base_fields["status"].choices if s in action.next_statuses()
        ]
        action.content = selectors.content_link(action, user)
        action.public = selectors.on_public_page(action, user) if action.kind == "rebuttal" else None
        if action.advance and action.kind == "rebuttal":
            known = {ref for ref, _label in choices}
            current = [(action.content_ref, action.content_ref)] if action.content_ref not in known else []
            action.content_choices = [("", "— Chưa gắn tin bài —"), *current, *choices]
    context = {
        "entry": entry,
        "captures": entry.captures.select_related("uploaded_by"),
        "actions": actions,
        "can_manage": can_manage,
        "can_capture": access.can_add_capture(user, entry),
        "viewings": services.evidence_viewings(entry=entry, actor=user)[:20],
        "timeline": selectors.timeline(entry, user),
    }
    if can_manage:
        context["edit_form"] = EditForm(initial={k: getattr(entry, k) for k in services.EDITABLE})
        context["action_form"] = ActionForm(
            groups=services.residential_groups(entry), content_choices=choices
        )
        context["close_form"] = ReasonForm(prefix="close")
        context["reopen_form"] = ReasonForm(prefix="reopen")
    if context["can_capture"]:
        context["capture_form"] = CaptureForm()
    context.update(overrides)
    return context


@staff_required
@require_safe
def entry_detail(request, pk: int):
    entry = _entry(request, pk)
    return render(request, "watch/entry.html", _context(request, entry))


@staff_required
def capture_file(request, pk: int, capture_id: int):
    entry = _entry(request, pk)
    capture = get_object_or_404(Capture, pk=capture_id, entry=entry)
    try:
        handle, _intact = services.capture_open(capture=capture, actor=request.user)
    except services.WorkflowError:
        raise Http404("Không tìm thấy tệp.") from None
    response = FileResponse(handle, content_type=capture.content_type)
    ext = capture.file.name[capture.file.name.rfind(".") :]
    response["Content-Disposition"] = f'inline; filename="chung-cu-{entry.pk}-{capture.pk}{ext}"'
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response


def _edit(request, entry):
    form = EditForm(request.POST)
    return form, lambda d: services.entry_edit(entry=entry, actor=request.user, changes=d)


def _capture(request, entry):
    form = CaptureForm(request.POST, request.FILES)
    return form, lambda d: services.capture_add(
        entry=entry, actor=request.user, uploads=d["files"], captured_at=d["captured_at"], note=d["note"]
    )


def _act(request, entry):
    form = ActionForm(
        request.POST,
        groups=services.residential_groups(entry),
        content_choices=_content_choices(request, entry),
    )
    return form, lambda d: services.action_create(
        entry=entry,
        actor=request.user,
        kind=d["kind"],
        description=d["description"],
        content_ref=d["content_ref"],
        published_url=d["published_url"],
        platform_reference=d["platform_reference"],
        groups=d["groups"],
    )


def _close(request, entry):
    form = ReasonForm(request.POST, prefix="close")
    return form, lambda d: services.entry_close(entry=entry, actor=request.user, note=d["note"])


def _reopen(request, entry):
    form = ReasonForm(request.POST, prefix="reopen")
    return form, lambda d: services.entry_reopen(entry=entry, actor=request.user, note=d["note"])


# Every action an entry's page can post (the access matrix walks this table).
ENTRY_ACTIONS = {
    "edit": (_edit, "edit_form"),
    "capture": (_capture, "capture_form"),
    "act": (_act, "action_form"),
    "close": (_close, "close_form"),
    "reopen": (_reopen, "reopen_form"),
}


@staff_required
@require_POST
def entry_action(request, pk: int, action: str):
    entry = _entry(request, pk)
    if action not in ENTRY_ACTIONS:
        raise Http404
    make, key = ENTRY_ACTIONS[action]
    form, run = make(request, entry)
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu.")
            return redirect(entry.get_absolute_url())
    messages.error(request, "Chưa thực hiện được. Xem thông báo bên dưới.")
    entry.refresh_from_db()
    return render(
        request, "watch/entry.html", _context(request, entry, **{key: form, "open_panel": key}), status=400
    )


@staff_required
@require_POST
def action_step(request, pk: int, action_id: int):
    entry = _entry(request, pk)
    item = get_object_or_404(Action, pk=action_id, entry=entry)
    form = StepForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.action_advance(
                action=item,
                actor=request.user,
                status=d["status"],
                note=d["note"],
                answer=d["note"],
                content_ref=d["content_ref"],
                published_url=d["published_url"],
                platform_reference=d["platform_reference"],
            )
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Đã cập nhật việc xử lý.")
            return redirect(f"{entry.get_absolute_url()}#action-{item.pk}")
    else:
        messages.error(
            request, "Chưa thực hiện được: " + " ".join(e for errs in form.errors.values() for e in errs)
        )
    entry.refresh_from_db()
    return render(request, "watch/entry.html", _context(request, entry), status=400)
