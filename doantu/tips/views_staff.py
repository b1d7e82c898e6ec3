"""Staff pages: the inbox, a tip's page and the actions on it, sources and their QR codes.

Views read the request, call one service or selector, render. Permissions are decided in ``tips.access``
and enforced again inside every service, so a view that forgot a check still could not change anything.
"""

import datetime as dt
from functools import wraps
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from doantu.org.models import OrgUnit, UnitKind
from doantu.org.twofactor import needs_second_step

from . import access, export, selectors, services
from .forms import (
    AnswerForm,
    AssignForm,
    ConcludeForm,
    ForwardForm,
    InboxFilterForm,
    NoteForm,
    PublicNoteForm,
    ReasonForm,
    SourceForm,
    TipEditForm,
)
from .models import Attachment, Forward, ForwardStatus, Source, Tip, TipKind, TipStatus


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if step := needs_second_step(request):
            return redirect(f"{step}?next={quote(request.get_full_path())}")
        if not access.can_use_staff_site(request.user):
            raise PermissionDenied("Tài khoản chưa được gán đơn vị và vai trò.")
        return view(request, *args, **kwargs)

    return wrapper


def _visible_tip(request, pk: int) -> Tip:
    tip = get_object_or_404(access.tips_visible_to(request.user).select_related("ward", "source"), pk=pk)
    return tip


def _staff_ward(user) -> OrgUnit | None:
    return user.ward


def _inbox_filters(request) -> tuple[InboxFilterForm, dict]:
    user = request.user
    visible = access.tips_visible_to(user)
    sources = Source.objects.filter(pk__in=visible.values("source")).order_by("name")
    groups = OrgUnit.objects.filter(pk__in=visible.values("residential_group")).order_by("sort_order", "name")
    form = InboxFilterForm(
        request.GET or None, sources=sources, groups=groups, relative=access.may_filter_relative(user)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {k: v for k, v in filters.items() if v not in (None, "")}


@staff_required
@require_safe
def inbox_export(request):
    _, filters = _inbox_filters(request)
    try:
        content, _n = export.tips_export(actor=request.user, filters=filters)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('staff:inbox')}?{request.GET.urlencode()}")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"thong-tin-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
def inbox(request):
    user = request.user
    visible = access.tips_visible_to(user)
    form, filters = _inbox_filters(request)
    tips = selectors.inbox(user, **filters)
    page = Paginator(tips, 25).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    views = access.views_for(user, page.object_list)
    for tip in page.object_list:
        tip.view = views[tip.pk]
    context = {
        "form": form,
        "page": page,
        "counts": selectors.status_counts(visible),
        "query": request.GET.copy(),
    }
    if request.htmx:
        return render(request, "tips/staff/inbox.html#results", context)
    return render(request, "tips/staff/inbox.html", context)


def _tip_context(request, tip: Tip, **overrides) -> dict:
    user = request.user
    view = access.visible_fields(user, tip)
    can_triage = access.can_triage(user, tip)
    today = timezone.localdate()
    forwards = list(tip.forwards.select_related("agency", "created_by", "answered_by"))
    answerable = {f.pk for f in forwards if access.can_answer(user, f)}
    for f in forwards:
        f.content_visible = view.sees_forward(f)
        if f.pk in answerable:
            f.answer_form = overrides.pop(f"answer_form_{f.pk}", None) or AnswerForm(prefix=f"answer{f.pk}")
    context = {
        "tip": tip,
        "view": view,
        "attachments": tip.attachments.all() if view.attachments else None,
        "n_attachments": tip.attachments.count(),
        "forwards": forwards,
        "answerable": answerable,
        "notes": tip.notes.select_related("author") if view.internal else None,
        "timeline": selectors.timeline_rows(tip, user),
        "is_open": tip.status in services.OPEN,
        "can_triage": can_triage,
        "can_note": access.can_add_note(user, tip),
        "can_identity": view.identity,
        "can_location": view.location,
        "reporter": None,
        "today": today,
        "statuses": TipStatus,
    }
    if can_triage:
        context.update(
            forward_form=ForwardForm(
                agencies=access.forward_targets(tip),
                initial={"due_date": today + dt.timedelta(days=services.DEFAULT_FORWARD_DAYS)},
            ),
            conclude_form=ConcludeForm(),
            assign_form=AssignForm(
                users=access.assignable_users(user, tip), initial={"assignee": tip.assignee_id}
            ),
            close_form=ReasonForm(prefix="close"),
            reopen_form=ReasonForm(prefix="reopen"),
            public_note_form=PublicNoteForm(initial={"text": tip.public_note}),
            edit_form=TipEditForm(
                ward=tip.ward,
                initial={f: getattr(tip, f) for f in services.EDITABLE_FIELDS}
                | {"residential_group": tip.residential_group_id},
            ),
        )
    if context["can_note"]:
        context["note_form"] = NoteForm()
    context.update(overrides)
    return context


@staff_required
@require_safe
def tip_detail(request, pk: int):
    tip = _visible_tip(request, pk)
    return render(request, "tips/staff/tip.html", _tip_context(request, tip))


@staff_required
@require_POST
def tip_reporter(request, pk: int):
    tip = _visible_tip(request, pk)
    reporter = services.tip_reveal_reporter(tip=tip, actor=request.user)
    context = _tip_context(request, tip, reporter=reporter)
    if request.htmx:
        return render(request, "tips/staff/tip.html#reporter", context)
    return render(request, "tips/staff/tip.html", context)


@staff_required
def attachment(request, pk: int, attachment_id: int):
    tip = _visible_tip(request, pk)
    if not access.can_view_attachments(request.user, tip):
        raise PermissionDenied
    item = get_object_or_404(Attachment, pk=attachment_id, tip=tip)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("Không tìm thấy tệp.") from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="tep-{item.pk}{item.file.name[item.file.name.rfind(".") :]}"'
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response


def _run(request, tip: Tip, form, action, *, template_key: str):
    """Validate ``form``, run ``action(form.cleaned_data)``; on a refusal re-render the tip page with the
    form and its message, so nothing the user typed is lost."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except services.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(tip.get_absolute_url())
    messages.error(request, "Chưa thực hiện được. Xem thông báo bên dưới.")
    context = _tip_context(
        request, Tip.objects.get(pk=tip.pk), **{template_key: form, "open_panel": template_key}
    )
    return render(request, "tips/staff/tip.html", context, status=400)


def _tip_by_code(tip: Tip, code: str) -> Tip | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    if len(code) == 8:
        code = f"{code[:4]}-{code[4:]}"
    found = Tip.objects.filter(receipt_code=code, ward=tip.ward).first()
    if found is None:
        raise services.WorkflowError(f"Không tìm thấy thông tin có mã biên nhận {code} trong phường.")
    return found


# action -> (form for it, the service call with the form's data). The form's prefix names it on the page.
# An action without a form (None) takes no input: a refusal comes back as a message on the tip's page.
# Every action a tip's page can post is here (the access matrix test walks this table).
TIP_ACTIONS = {
    "start-review": (
        None,
        lambda tip, user, d: services.tip_start_review(tip=tip, actor=user),
    ),
    "assign": (
        lambda data, tip, user: AssignForm(data, users=access.assignable_users(user, tip)),
        lambda tip, user, d: services.tip_assign(tip=tip, actor=user, assignee=d["assignee"]),
    ),
    "forward": (
        lambda data, tip, user: ForwardForm(data, agencies=access.forward_targets(tip)),
        lambda tip, user, d: services.tip_forward(
            tip=tip, actor=user, agency=d["agency"], question=d["question"], due_date=d["due_date"]
        ),
    ),
    "conclude": (
        lambda data, tip, user: ConcludeForm(data),
        lambda tip, user, d: services.tip_conclude(
            tip=tip,
            actor=user,
            outcome=d["outcome"],
            note=d["note"],
            duplicate_of=_tip_by_code(tip, d["duplicate_of"]),
        ),
    ),
    "close": (
        lambda data, tip, user: ReasonForm(data, prefix="close"),
        lambda tip, user, d: services.tip_close(tip=tip, actor=user, note=d["note"]),
    ),
    "reopen": (
        lambda data, tip, user: ReasonForm(data, prefix="reopen"),
        lambda tip, user, d: services.tip_reopen(tip=tip, actor=user, note=d["note"]),
    ),
    "note": (
        lambda data, tip, user: NoteForm(data),
        lambda tip, user, d: services.tip_add_note(tip=tip, actor=user, body=d["body"]),
    ),
    "public-note": (
        lambda data, tip, user: PublicNoteForm(data),
        lambda tip, user, d: services.tip_set_public_note(tip=tip, actor=user, text=d["text"]),
    ),
    "edit": (
        lambda data, tip, user: TipEditForm(data, ward=tip.ward),
        lambda tip, user, d: services.tip_edit(tip=tip, actor=user, changes=d),
    ),
}


@staff_required
@require_POST
def tip_action(request, pk: int, action: str):
    tip = _visible_tip(request, pk)
    user = request.user
    if action not in TIP_ACTIONS:
        raise Http404
    make_form, run = TIP_ACTIONS[action]
    if make_form is None:
        try:
            run(tip, user, {})
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect(tip.get_absolute_url())
    form = make_form(request.POST, tip=tip, user=user)
    return _run(request, tip, form, lambda d: run(tip, user, d), template_key=f"{form.prefix}_form")


def _forward_answer(request, tip: Tip, forward: Forward):
    form = AnswerForm(request.POST, prefix=f"answer{forward.pk}")
    return _run(
        request,
        tip,
        form,
        lambda d: services.forward_answer(
            forward=forward,
            actor=request.user,
            outcome=d["outcome"],
            answer=d["answer"],
            duplicate_of=_tip_by_code(tip, d["duplicate_of"]),
        ),
        template_key=f"answer_form_{forward.pk}",
    )


def _forward_withdraw(request, tip: Tip, forward: Forward):
    try:
        services.forward_withdraw(forward=forward, actor=request.user, reason=request.POST.get("note", ""))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(tip.get_absolute_url())


# Every action on a forward (the access matrix test walks this table).
FORWARD_ACTIONS = {"answer": _forward_answer, "withdraw": _forward_withdraw}


@staff_required
@require_POST
def forward_action(request, pk: int, forward_id: int, action: str):
    tip = _visible_tip(request, pk)
    forward = get_object_or_404(Forward, pk=forward_id, tip=tip)
    if action not in FORWARD_ACTIONS:
        raise Http404
    return FORWARD_ACTIONS[action](request, tip, forward)


# ---------------------------------------------------------------------------------------------- sources


@staff_required
def sources(request):
    ward = _staff_ward(request.user)
    if request.user.is_admin and ward is None:
        ward = OrgUnit.objects.filter(kind=UnitKind.WARD).first()
    if not access.can_manage_sources(request.user, ward):
        raise PermissionDenied
    form = SourceForm(request.POST or None, ward=ward)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.source_create(ward=ward, actor=request.user, **form.cleaned_data)
        except services.WorkflowError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, f"Đã tạo nguồn “{source.name}” với đường dẫn /t/{source.code}")
            return redirect("staff:sources")
    return render(
        request,
        "tips/staff/sources.html",
        {
            "ward": ward,
            "sources": selectors.sources_for(request.user, ward),
            "form": form,
            "base_url": request.build_absolute_uri("/").rstrip("/"),
        },
    )


@staff_required
@require_POST
def source_toggle(request, source_id: int):
    source = get_object_or_404(Source, pk=source_id)
    services.source_set_active(source=source, actor=request.user, active=not source.active)
    return redirect("staff:sources")


@staff_required
def source_qr(request, source_id: int):
    source = get_object_or_404(Source, pk=source_id)
    if not access.can_manage_sources(request.user, source.ward):
        raise PermissionDenied
    url = request.build_absolute_uri(reverse("public:intake", args=[source.code]))
    qr = segno.make(url, error="m")
    if request.GET.get("format") == "png":
        response = HttpResponse(content_type="image/png")
        qr.save(response, kind="png", scale=20, border=4)
        response["Content-Disposition"] = f'attachment; filename="qr-{source.code}.png"'
        return response
    if request.GET.get("format") == "svg":
        response = HttpResponse(content_type="image/svg+xml")
        qr.save(response, kind="svg", scale=10, border=4, xmldecl=False)
        response["Content-Disposition"] = f'attachment; filename="qr-{source.code}.svg"'
        return response
    return render(
        request,
        "tips/staff/source_qr.html",
        {
            "source": source,
            "url": url,
            "qr_svg": qr.svg_inline(scale=8, border=2),
        },
    )


# ---------------------------------------------------------------------------------------------- overview


@staff_required
def overview(request):
    visible = access.tips_visible_to(request.user)
    by_kind = {row["kind"]: row["n"] for row in visible.order_by().values("kind").annotate(n=Count("id"))}
    overdue = Forward.objects.filter(
        tip__in=visible, status=ForwardStatus.OPEN, due_date__lt=timezone.localdate()
    ).select_related("tip", "agency")
    return render(
        request,
        "tips/staff/overview.html",
        {
            "counts": selectors.status_counts(visible),
            "total": visible.count(),
            "by_kind": [(label, by_kind.get(value, 0)) for value, label in TipKind.choices],
            "overdue": overdue[:20],
            "campaign": _campaign_for(request.user),
            "today": timezone.localdate(),
        },
    )


def _campaign_for(user):
    from doantu.campaign.models import Campaign

    ward = user.ward
    if ward is None:
        return None
    return Campaign.objects.filter(unit=ward).prefetch_related("phases", "peak_dates").first()
