"""Staff pages of the communication work. Views read the request, call one service or selector, render; access
is decided in ``comms.access`` and enforced inside every service and selector."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from doantu.tips.views_staff import staff_required

from . import access, brought, feeds, imports, script, selectors, services
from .forms import (
    CalendarFilterForm,
    FileForm,
    ImportForm,
    ItemForm,
    PublishForm,
    ReachForm,
    ReasonForm,
    ReviewForm,
    TargetForm,
    TickForm,
)
from .models import CalendarFeed, ChecklistItem, ContentItem, ContentStatus, Target
from .services import CommsError

MONTHS = [
    "Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6",
    "Tháng 7", "Tháng 8", "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12",
]  # fmt: skip
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def comms_required(view):
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not access.can_view(request.user):
            raise PermissionDenied("Tài khoản này không theo dõi công tác truyền thông.")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _ward(request):
    """The ward whose work is shown: the user's own; an administrator or the province picks with ?ward=."""
    wards = access.wards_visible_to(request.user)
    chosen = request.GET.get("ward") or request.POST.get("ward")
    ward = wards.filter(pk=chosen).first() if chosen and str(chosen).isdigit() else None
    return ward or access.ward_of(request.user) or wards.order_by("path").first()


def _item(request, pk: int) -> ContentItem:
    return get_object_or_404(
        access.items_visible_to(request.user).select_related("ward", "owner_unit", "owner", "source", "peak"),
        pk=pk,
    )


# ------------------------------------------------------------------------------------------- overview


@comms_required
@require_safe
def overview(request):
    user, today = request.user, timezone.localdate()
    ward = _ward(request)
    items = access.items_visible_to(user).filter(ward=ward)
    waiting = (
        items.filter(status=ContentStatus.SUBMITTED) if user.is_admin or user.role == "campaign" else None
    )
    week = selectors.week_of(today)
    context = {
        "ward": ward,
        "targets": selectors.targets_for(user, today=today, ward=ward),
        "peaks": selectors.peaks_for(user, today=today, upcoming_only=True),
        "waiting": waiting,
        "approved": items.filter(status=ContentStatus.APPROVED).order_by("planned_date")[:20],
        "this_week": selectors.calendar_items(user, week[0], week[-1], ward=ward),
        "channels": access.channels_visible_to(user).filter(ward=ward).select_related("responsible_unit"),
        "can_create": access.can_create(user),
        "can_script": access.can_make_script(user),
        "can_import": access.can_import_reach(user),
        "today": today,
        # which pieces brought information: the best five of the items with their own QR code
        "brought_top": brought.item_ranking(user, ward=ward, limit=5) if ward else [],
        "brought_with_dna": brought.tips_access.may_filter_relative(user),
    }
    return render(request, "comms/overview.html", context)


# ------------------------------------------------------------------------------------------- calendar


def _parse_day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@comms_required
@require_safe
def calendar(request):
    user, today = request.user, timezone.localdate()
    ward = _ward(request)
    mode = request.GET.get("view") if request.GET.get("view") in ("month", "week") else "month"
    day = _parse_day(request.GET.get("date"), today)
    form = CalendarFilterForm(request.GET or None, ward=ward)
    filters = form.cleaned_data if form.is_valid() else {}
    if mode == "week":
        days = selectors.week_of(day)
        weeks = [days]
        prev_day, next_day = day - dt.timedelta(days=7), day + dt.timedelta(days=7)
        heading = f"Tuần {days[0]:%d/%m} – {days[-1]:%d/%m/%Y}"
    else:
        weeks = selectors.month_grid(day.year, day.month)
        first = day.replace(day=1)
        prev_day = (first - dt.timedelta(days=1)).replace(day=1)
        next_day = (first + dt.timedelta(days=32)).replace(day=1)
        heading = f"{MONTHS[day.month - 1]} năm {day.year}"
    start, end = weeks[0][0], weeks[-1][-1]
    items = list(
        selectors.calendar_items(
            user,
            start,
            end,
            ward=ward,
            channel=filters.get("channel"),
            unit=filters.get("unit"),
            status=filters.get("status") or "",
        )
    )
    by_day: dict[dt.date, list] = {}
    for item in items:
        by_day.setdefault(item.planned_date, []).append(item)
    grid = [
        [
            {"date": d, "items": by_day.get(d, []), "other": d.month != day.month and mode == "month"}
            for d in w
        ]
        for w in weeks
    ]
    agenda = [(d, by_day[d]) for d in sorted(by_day)]  # every day shown by the grid, as the count says
    keep = {k: v for k, v in request.GET.items() if k in ("channel", "unit", "status", "ward") and v}
    peaks = {p.peak.date: p for p in selectors.peaks_for(user, today=today)}
    context = {
        "ward": ward,
        "mode": mode,
        "grid": grid,
        "agenda": agenda,
        "heading": heading,
        "weekdays": WEEKDAYS,
        "form": form,
        "today": today,
        "peaks": peaks,
        "prev_q": urlencode({**keep, "view": mode, "date": prev_day.isoformat()}),
        "next_q": urlencode({**keep, "view": mode, "date": next_day.isoformat()}),
        "today_q": urlencode({**keep, "view": mode}),
        "month_q": urlencode({**keep, "view": "month", "date": day.isoformat()}),
        "week_q": urlencode({**keep, "view": "week", "date": day.isoformat()}),
        "can_create": access.can_create(user),
        "count": len(items),
        # the filter box opens only when a filter is set (not for ?view=week or ?date=…)
        "filtering": any(request.GET.get(k) for k in ("channel", "unit", "status")),
    }
    return render(request, "comms/calendar.html", context)


# ---------------------------------------------------------------------------------------------- items


def _item_form_page(request, item: ContentItem | None):
    user = request.user
    ward = item.ward if item else _ward(request)
    if ward is None:
        raise PermissionDenied
    instance = item or ContentItem(ward=ward)
    if request.method == "POST":
        form = ItemForm(request.POST, instance=instance, user=user, ward=ward)
        if form.is_valid():
            obj = form.save(commit=False)
            obj.ward = ward
            try:
                services.item_save(actor=user, item=obj, channels=list(form.cleaned_data["channels"]))
            except CommsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Đã lưu.")
                return redirect("comms:item", obj.pk)
    else:
        initial = {}
        if item is None:
            initial = {
                "planned_date": _parse_day(request.GET.get("date"), timezone.localdate()),
                "owner_unit": user.unit_id,
                "owner": user.pk,
            }
        form = ItemForm(instance=instance, initial=initial, user=user, ward=ward)
    return render(request, "comms/item_form.html", {"form": form, "item": item, "ward": ward})


@comms_required
def item_new(request):
    if not access.can_create(request.user):
        raise PermissionDenied("Bạn không lập được sản phẩm truyền thông.")
    return _item_form_page(request, None)


@comms_required
def item_edit(request, pk: int):
    item = _item(request, pk)
    if not access.can_edit(request.user, item):
        raise PermissionDenied("Sản phẩm này không sửa được.")
    return _item_form_page(request, item)


@comms_required
@require_safe
def item_detail(request, pk: int):
    user = request.user
    item = _item(request, pk)
    context = {
        "item": item,
        "channels": item.channels.all(),
        "files": item.files.all(),
        "timeline": selectors.item_timeline(user, item),
        "reach_rows": item.reach.select_related("channel").order_by("-measured_on"),
        "reach": selectors.item_reach_totals(user, item),
        "can": {
            "edit": access.can_edit(user, item),
            "submit": access.can_submit(user, item),
            "approve": access.can_approve(user, item),
            "publish": access.can_publish(user, item),
            "withdraw": access.can_withdraw(user, item),
            "reach": access.can_enter_reach(user, item),
            "file": access.can_edit(user, item) or access.can_publish(user, item),
        },
        "review_form": ReviewForm(),
        "reason_form": ReasonForm(),
        "publish_form": PublishForm(),
        "reach_form": ReachForm(item=item, initial={"measured_on": timezone.localdate()}),
        "file_form": FileForm(),
        **brought.item_panel(user, item),  # which piece brought information (its own QR code's figures)
    }
    return render(request, "comms/item.html", context)


ACTIONS = {"submit", "approve", "return", "publish", "withdraw", "reach", "file"}
CHECKLIST_ACTIONS = {"tick", "reopen"}


@comms_required
@require_POST
def item_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    user = request.user
    item = _item(request, pk)
    try:
        if action == "submit":
            services.item_submit(actor=user, item=item)
            messages.success(request, "Đã gửi Phòng Văn hóa - Xã hội duyệt.")
        elif action in ("approve", "return"):
            form = ReviewForm(request.POST)
            note = form.data.get("note", "")
            if action == "approve":
                services.item_approve(actor=user, item=item, note=note)
                messages.success(request, "Đã duyệt.")
            else:
                services.item_return(actor=user, item=item, note=note)
                messages.success(request, "Đã trả lại để sửa.")
        elif action == "publish":
            form = PublishForm(request.POST, request.FILES)
            if not form.is_valid():
                raise CommsError(" ".join(m for ms in form.errors.values() for m in ms))
            published_at = form.cleaned_data["published_at"]
            services.item_publish(
                actor=user,
                item=item,
                evidence_url=form.cleaned_data["evidence_url"],
                evidence_photo=form.cleaned_data["evidence_photo"],
                published_at=published_at,
                attendance=form.cleaned_data["attendance"],
            )
            messages.success(request, "Đã ghi nhận đăng / thực hiện.")
        elif action == "withdraw":
            services.item_withdraw(actor=user, item=item, reason=request.POST.get("reason", ""))
            messages.success(request, "Đã gỡ / hủy.")
        elif action == "reach":
            form = ReachForm(request.POST, item=item)
            if not form.is_valid():
                raise CommsError(" ".join(m for ms in form.errors.values() for m in ms))
            data = form.cleaned_data
            services.reach_save(
                actor=user,
                item=item,
                channel=data["channel"],
                measured_on=data["measured_on"],
                figures={k: data[k] or 0 for k in services.REACH_FIELDS},
            )
            messages.success(request, "Đã lưu số liệu.")
        elif action == "file":
            form = FileForm(request.POST, request.FILES)
            if not form.is_valid():
                raise CommsError("Chọn tệp cần thêm.")
            services.item_add_file(
                actor=user, item=item, upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"]
            )
            messages.success(request, "Đã thêm tệp.")
    except CommsError as exc:
        messages.error(request, str(exc))
    return redirect("comms:item", item.pk)


@comms_required
@require_safe
def item_file(request, pk: int, file_id: int):
    from django.http import FileResponse

    item = _item(request, pk)
    record = get_object_or_404(item.files, pk=file_id)
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.name)


@comms_required
@require_safe
def item_evidence(request, pk: int):
    from django.http import FileResponse

    item = _item(request, pk)
    photo = item.activity_photo or item.evidence_photo
    if not photo:
        raise Http404
    return FileResponse(photo.open("rb"), content_type="image/jpeg" if photo.name.endswith("jpg") else None)


# ---------------------------------------------------------------------------------------------- peaks


@comms_required
@require_safe
def peaks(request):
    views = selectors.peaks_for(request.user)
    views.sort(key=lambda v: (v.days_to < 0, abs(v.days_to)))  # the next peak first, past ones last
    return render(request, "comms/peaks.html", {"peaks": views})


@comms_required
@require_safe
def peak(request, pk: int):
    user = request.user
    try:
        found = selectors.peak_visible(user, pk)
    except Exception as exc:
        raise Http404 from exc
    entries = list(found.checklist.select_related("unit", "done_by", "evidence_item"))
    for entry in entries:
        entry.may_tick = not entry.done and access.can_tick(user, entry)
        entry.may_reopen = entry.done and access.can_manage_peak(user, found)
        if entry.may_tick:  # one form per item, with its own field ids
            entry.form = TickForm(ward=found.ward, prefix=f"e{entry.pk}")
    view = next(v for v in selectors.peaks_for(user) if v.peak.pk == found.pk)
    return render(
        request,
        "comms/peak.html",
        {
            "peak": found,
            "view": view,
            "entries": entries,
            "today": timezone.localdate(),
        },
    )


@comms_required
@require_POST
def checklist_action(request, pk: int, action: str):
    entry = get_object_or_404(
        ChecklistItem.objects.select_related("peak").filter(peak__in=access.peaks_visible_to(request.user)),
        pk=pk,
    )
    try:
        if action not in CHECKLIST_ACTIONS:
            raise Http404
        if action == "tick":
            form = TickForm(request.POST, request.FILES, ward=entry.peak.ward, prefix=f"e{entry.pk}")
            if not form.is_valid():
                raise CommsError(" ".join(m for ms in form.errors.values() for m in ms))
            services.checklist_tick(actor=request.user, entry=entry, **form.cleaned_data)
            messages.success(request, "Đã đánh dấu hoàn thành.")
        elif action == "reopen":
            services.checklist_reopen(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
            messages.success(request, "Đã mở lại.")
        else:
            raise Http404
    except CommsError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("comms:peak", args=[entry.peak_id]) + f"#viec-{entry.pk}")


@comms_required
@require_safe
def checklist_evidence(request, pk: int):
    from django.http import FileResponse

    entry = get_object_or_404(
        ChecklistItem.objects.filter(peak__in=access.peaks_visible_to(request.user)), pk=pk
    )
    if not entry.evidence_photo:
        raise Http404
    return FileResponse(entry.evidence_photo.open("rb"))


# ------------------------------------------------------------------------------------------------ targets


@comms_required
def targets(request):
    """This period's targets; the culture office adds the ward's own (e.g. broadcasts a week)."""
    user = request.user
    ward = _ward(request)
    may_manage = access.can_manage_targets(user, ward)
    form = None
    if may_manage:
        instance = Target(ward=ward)
        form = TargetForm(request.POST or None, instance=instance, ward=ward)
        if request.method == "POST" and form.is_valid():
            try:
                services.target_save(actor=user, target=form.save(commit=False))
            except CommsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Đã đặt chỉ tiêu.")
                return redirect("comms:targets")
    elif request.method == "POST":
        raise PermissionDenied("Chỉ Phòng Văn hóa - Xã hội đặt chỉ tiêu.")
    return render(
        request,
        "comms/targets.html",
        {"targets": selectors.targets_for(user, ward=ward), "form": form, "ward": ward},
    )


# ----------------------------------------------------------------------------------------- reach import


@comms_required
def reach_import(request):
    user = request.user
    if not access.can_import_reach(user):
        raise PermissionDenied("Chỉ cán bộ phụ trách kênh nhập số liệu.")
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = imports.facebook_import(
                    actor=user,
                    ward=_ward(request),
                    upload=form.cleaned_data["file"],
                    measured_on=form.cleaned_data["measured_on"],
                )
            except CommsError as exc:
                form.add_error("file", str(exc))
    else:
        form = ImportForm(initial={"measured_on": timezone.localdate()})
    return render(request, "comms/reach_import.html", {"form": form, "result": result})


# ------------------------------------------------------------------------------------------- ICS feeds


@comms_required
def feeds_page(request):
    user = request.user
    if request.method == "POST":
        unit = user.unit if request.POST.get("scope") == "unit" else None
        try:
            services.feed_create(actor=user, unit=unit)
            messages.success(request, "Đã tạo đường dẫn lịch riêng.")
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("comms:feeds")
    own = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).select_related("unit")
    for feed in own:
        feed.url = request.build_absolute_uri(reverse("comms_public:ics", args=[feed.token]))
    return render(request, "comms/feeds.html", {"feeds": own})


@comms_required
@require_POST
def feed_revoke(request, pk: int):
    feed = get_object_or_404(CalendarFeed, pk=pk, user=request.user)
    services.feed_revoke(actor=request.user, feed=feed)
    messages.success(request, "Đã thu hồi; đường dẫn cũ không còn dùng được.")
    return redirect("comms:feeds")


@require_safe
def ics(request, token: str):
    """The private calendar link: no sign-in (a phone's calendar cannot), the token is the key."""
    content = feeds.feed_ics(token)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------------------- loudspeaker script


@comms_required
def script_new(request):
    user = request.user
    if not access.can_make_script(user):
        raise PermissionDenied("Chỉ cán bộ phụ trách truyền thanh lập bài phát thanh.")
    if request.method == "POST":
        try:
            item = script.script_draft(actor=user, ward=_ward(request), week_of=timezone.localdate())
        except CommsError as exc:
            messages.error(request, str(exc))
            return redirect("comms:overview")
        messages.success(request, "Đã soạn bài phát thanh tuần từ mẫu; hãy đọc lại, sửa rồi gửi duyệt.")
        return redirect("comms:item", item.pk)
    return render(
        request,
        "comms/script_new.html",
        {"preview": script.script_text(_ward(request), timezone.localdate(), user)},
    )


@comms_required
@require_safe
def item_script(request, pk: int, fmt: str):
    item = _item(request, pk)
    if fmt == "txt":
        response = HttpResponse(script.plain_text(item), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="phat-thanh-{item.pk}.txt"'
        return response
    if fmt == "docx":
        response = HttpResponse(
            script.docx_bytes(item),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="phat-thanh-{item.pk}.docx"'
        return response
    raise Http404
