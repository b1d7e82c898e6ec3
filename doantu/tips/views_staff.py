"""Staff pages: the inbox, a tip's page and the actions on it, sources and their QR codes.

Views read the request, call one service or selector, render. Permissions are decided in ``tips.access``
and enforced again inside every service, so a view that forgot a check still could not change anything.
"""

import datetime as dt
from functools import wraps
from urllib.parse import quote, urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from doantu.org.models import OrgUnit, UnitKind
from doantu.org.twofactor import needs_second_step

from . import access, export, selectors, services
from .forms import (
    AnswerForm,
    AssignForm,
    ConcludeForm,
    ForwardForm,
    InboxFilterForm,
    NamedMartyrForm,
    NoteForm,
    PublicNoteForm,
    ReasonForm,
    SourceForm,
    StaffTipForm,
    TipEditForm,
    TipForm,
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
    sources, groups = selectors.filter_choices(user)
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
    page = selectors.CappedPaginator(tips, 25).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    views = access.views_for(user, page.object_list)
    for tip in page.object_list:
        tip.view = views[tip.pk]
    # The names of the tips this user entered for others, on his list of them only (each reading recorded).
    names = (
        services.tip_reveal_entered_names(tips=page.object_list, actor=user) if filters.get("entered") else {}
    )
    for tip in page.object_list:
        tip.entered_name = names.get(tip.pk)
    context = {
        "entered_names": bool(names),
        "can_enter": access.can_enter_tips(user),
        "form": form,
        "page": page,
        "counts": selectors.status_counts_capped(visible),
        "overdue_count": 0 if filters.get("overdue") else selectors.overdue_count(user),
        "query": request.GET.copy(),
    }
    if request.htmx:
        return render(request, "tips/staff/inbox.html#results", context)
    return render(request, "tips/staff/inbox.html", context)


# What the next slip keeps from the one just saved: a batch of slips comes from one group by one channel.
ENTRY_KEPT = ("source", "residential_group", "channel")


@staff_required
@require_http_methods(["GET", "POST"])
def tip_entry(request):
    """A tip given on paper, by phone or in person, entered by staff for the person who gave it. Through the
    public form's rules (``StaffTipForm`` is a ``TipForm``) and the same intake service, with the enterer as
    the actor; never rate-limited (signed-in staff). After saving, the next empty slip keeps the source, the
    group and the channel, and says what was just saved."""
    user = request.user
    if not access.can_enter_tips(user):
        raise PermissionDenied("Tài khoản này không nhập thông tin hộ người khác.")
    status = 200
    if request.method == "POST":
        adding = bool(request.POST.get("add_martyr"))  # one more martyr block, not a save
        form = StaffTipForm(request.POST, request.FILES, user=user, extra_martyr=adding)
        if adding:
            form.is_valid()
            form.quiet_except_files()
        elif form.is_valid():
            try:
                tip, _created = form.enter(request, user)
            except services.WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                kept = {name: request.POST.get(name, "") for name in ENTRY_KEPT}
                return redirect(f"{reverse('staff:tip_entry')}?{urlencode({**kept, 'saved': tip.pk})}")
        status = 200 if adding and not form.has_errors else 400
    else:
        initial = {name: request.GET[name] for name in ENTRY_KEPT if request.GET.get(name)}
        form = StaffTipForm(initial=initial, user=user)
    saved = None
    if (saved_id := request.GET.get("saved", "")).isdigit():
        saved = access.tips_visible_to(user).filter(pk=int(saved_id), entered_by=user).first()
    context = {
        "form": form,
        "saved": saved,
        "consent_wording": StaffTipForm.consent_wording(),
        "entered_count": Tip.objects.filter(entered_by=user).count(),
    }
    return render(request, "tips/staff/tip_entry.html", context, status=status)


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
            named_forms=[NamedMartyrForm(tip=tip, named=m) for m in tip.martyrs.all()],
            add_named_form=NamedMartyrForm(tip=tip),
            edit_form=TipEditForm(
                ward=tip.ward,
                initial={f: getattr(tip, f) for f in services.EDITABLE_FIELDS}
                | {"residential_group": tip.residential_group_id},
            ),
        )
    if context["can_note"]:
        context["note_form"] = NoteForm()
    for key in [k for k in overrides if k.startswith("named") and k.endswith("_form")]:
        failed = overrides.pop(key)  # a refused correction, shown again with its message
        named_id = str(failed.named_martyr.pk) if failed.named_martyr is not None else ""
        if named_id:
            context["named_forms"] = [
                failed if str(f.named_martyr.pk) == named_id else f for f in context["named_forms"]
            ]
        else:
            context["add_named_form"] = failed
        context["open_named"] = named_id or "new"
    context.update(overrides)
    context["martyrs"] = list(tip.martyrs.all())
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
    # one martyr the tip names: corrected (POST "named-named" = its id) or added (empty)
    "martyr": (
        lambda data, tip, user: NamedMartyrForm(data, tip=tip),
        lambda tip, user, d: services.tip_martyr_save(
            tip=tip,
            actor=user,
            named=d["named"],
            values={k: v for k, v in d.items() if k != "named"},
        ),
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
    qr = segno.make(url, error="h")  # printed and hung outdoors: the highest error correction
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
            # a viewBox, no fixed size: the stylesheet scales it, centred (a fixed-size drawing in a wider box
            # sat at its left edge)
            "qr_svg": qr.svg_inline(scale=8, border=4, omitsize=True, title="Mã QR: " + url),
        },
    )


@staff_required
@require_safe
def source_slip(request, source_id: int):
    """The printable paper slip of a source (A4): the web form's questions and consent statements and the source's
    QR code. The browser prints it; the same slip as a PDF: ``source_slip_document``."""
    source, url, items = _slip(request, source_id)
    return render(
        request,
        "tips/staff/source_slip.html",
        {
            "source": source,
            "ward": source.ward,
            "url": url,
            "qr_svg": segno.make(url, error="m").svg_inline(
                scale=4, border=2, omitsize=True, title="Mã QR: " + url
            ),
            "items": items,
        },
    )


def _slip(request, source_id: int):
    """The source whose slip ``request.user`` may print (``access.can_print_slip``), its public form's address
    and the slip's items (the web form's questions, the group's own group ticked)."""
    from .slip import slip_items

    source = get_object_or_404(Source.objects.select_related("ward", "owner_unit"), pk=source_id)
    if not access.can_print_slip(request.user, source):
        raise PermissionDenied
    url = request.build_absolute_uri(reverse("public:intake", args=[source.code]))
    preset = {}
    if source.owner_unit and source.owner_unit.kind == UnitKind.RESIDENTIAL_GROUP:
        preset["residential_group"] = source.owner_unit.pk
    return source, url, slip_items(form=TipForm(ward=source.ward), preset=preset)


@staff_required
@require_safe
def source_slip_document(request, source_id: int, fmt: str):
    """The paper slip as an A4 PDF (or the DOCX it is made from, to adapt): built by ``slip.slip_docx`` from
    the same items as the printable page."""
    from doantu.documents.pdf import DocumentsUnavailable

    from .slip import slip_docx, slip_pdf

    if fmt not in ("pdf", "docx"):
        raise Http404
    source, url, items = _slip(request, source_id)
    docx = slip_docx(source=source, url=url, items=items)
    name = f"phieu-cung-cap-thong-tin-{source.code}"
    if fmt == "docx":
        response = HttpResponse(
            docx, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
        return response
    try:
        pdf = slip_pdf(docx)
    except DocumentsUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("staff:source_slip", source.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


# ---------------------------------------------------------------------------------------------- overview


@staff_required
def overview(request):
    visible = access.tips_visible_to(request.user)
    counts = selectors.tip_counts(visible)
    by_kind = counts["by_kind"]
    overdue = Forward.objects.filter(
        tip__in=visible, status=ForwardStatus.OPEN, due_date__lt=timezone.localdate()
    ).select_related("tip", "agency")
    return render(
        request,
        "tips/staff/overview.html",
        {
            "counts": counts["by_status"],
            "total": counts["total"],
            "by_kind": [(label, by_kind.get(value, 0)) for value, label in TipKind.choices],
            "overdue": overdue[:20],
            "campaign": _campaign_for(request.user),
            "today": timezone.localdate(),
            # a group leader's (or school's) own QR sources, for their paper slips
            "own_sources": Source.objects.filter(owner_unit_id=request.user.unit_id, active=True)
            if request.user.unit_id and request.user.role in access.SLIP_PRINTER_ROLES
            else [],
        },
    )


def _campaign_for(user):
    from doantu.campaign.models import Campaign

    ward = user.ward
    if ward is None:
        return None
    return Campaign.objects.filter(unit=ward).prefetch_related("phases", "peak_dates").first()
