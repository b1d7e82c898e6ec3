"""Staff pages of the DNA pipeline. Thin: each reads the request, calls one service or selector, renders; every
decision about who sees or does what is in ``dna.access``, called inside the services and selectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from doantu.registry.models import Grave, LinkDecision, Martyr, TipLink
from doantu.tips import access as tip_access
from doantu.tips.views_staff import staff_required

from . import access, coverage, exports, services
from .forms import ConsentForm, DonorForm, ImportForm, ResultForm, RoundForm
from .models import Attendance, CollectionRound, Donor, Recipient, RoundEntry, Step, Withdrawal


def _donor(request, pk: int) -> Donor:
    return get_object_or_404(
        access.donors(request.user).select_related("relative__martyr", "residential_group"), pk=pk
    )


def _martyr(request, pk: int) -> Martyr:
    access.require(access.can_view_pipeline(request.user))
    return get_object_or_404(access.martyrs(request.user, Martyr.objects.filter(merged_into=None)), pk=pk)


@staff_required
@require_safe
def overview(request):
    """Coverage for the ward and per residential group; the martyrs still to cover with the best next donor;
    DNA offers from tips waiting to be recorded."""
    user = request.user
    access.require(access.can_view_coverage(user))
    ward = access.ward_of(user) or (access.donor_unit(user) if user.is_admin else None)
    total, groups = coverage.ward_figures(ward) if ward else (None, [])
    rows, offers = [], []
    if access.can_view_pipeline(user) and ward is not None:
        martyrs = coverage.ward_martyrs_qs(ward)
        martyrs = access.martyrs(user, Martyr.objects.filter(pk__in=martyrs.values("pk")))[:200]
        rows = services.pedigrees(actor=user, martyrs=martyrs)
        order = {c: i for i, c in enumerate(["not_covered", "partly", "no_relative", "covered"])}
        rows.sort(key=lambda p: (order[p.coverage], p.martyr.full_name))
    if access.can_manage(user):
        offers = services.open_tip_offers(actor=user)
    return render(
        request,
        "dna/overview.html",
        {
            "total": total,
            "groups": groups,
            "rows": rows,
            "offers": offers,
            "can_manage": access.can_manage(user),
            "can_rounds": access.can_use_rounds(user),
        },
    )


def _martyr_page(request, martyr: Martyr, *, reveal: bool = False, form=None):
    user = request.user
    ped = services.pedigree_of(actor=user, martyr=martyr, reveal=reveal)
    ward = access.donor_unit(user)
    return render(
        request,
        "dna/martyr.html",
        {
            "m": martyr,
            "ped": ped,
            "form": form or (DonorForm(ward=ward) if access.can_manage(user) else None),
            "may_reveal": any(
                p.extra.get("donor") and access.can_reveal(user, p.extra["donor"]) for p in ped.people
            ),
            "revealed": reveal,
        },
    )


@staff_required
@require_safe
def martyr(request, pk: int):
    return _martyr_page(request, _martyr(request, pk))


@staff_required
@require_POST
def martyr_reveal(request, pk: int):
    return _martyr_page(request, _martyr(request, pk), reveal=True)


@staff_required
@require_POST
def donor_new(request, pk: int):
    m = _martyr(request, pk)
    access.require(access.can_manage(request.user))
    form = DonorForm(request.POST, ward=access.donor_unit(request.user))
    if form.is_valid():
        try:
            donor = services.donor_add(
                actor=request.user,
                martyr=m,
                values=form.values(),
                group=form.cleaned_data["residential_group"],
                offered=form.cleaned_data["offered"],
            )
        except services.DnaError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Đã ghi nhận thân nhân.")
            return redirect("dna:donor", donor.pk)
    return _martyr_page(request, m, form=form)


def _donor_page(request, donor: Donor, *, identity=None, forms=None, status=200):
    user = request.user
    ped = services.pedigree_of(actor=user, martyr=donor.relative.martyr)
    me = next((p for p in ped.people if p.extra.get("donor") and p.extra["donor"].pk == donor.pk), None)
    manage = access.can_manage(user)
    rounds = access.rounds(user).filter(status="planned") if manage else []
    forms = forms or {}
    context = {
        "d": donor,
        "r": donor.relative,
        "m": donor.relative.martyr,
        "me": me,
        "flags": ped.flags.get(donor.relative_id, []),
        "identity": identity,
        "may_reveal": access.can_reveal(user, donor),
        "manage": manage,
        "rounds": rounds,
        "timeline": services.donor_timeline(actor=user, donor=donor),
        # never pre-ticked (Law 91/2025: consent is the person's explicit act)
        "consent_form": forms.get("consent") or ConsentForm(),
        "result_form": forms.get("result") or ResultForm(),
        "purpose": services.CONSENT_PURPOSE,
        "retention": services.CONSENT_RETENTION,
        "withdraw_words": services.CONSENT_WITHDRAW,
        "recipient_labels": [Recipient(r).label for r in donor.consent_recipients if r in Recipient.values],
        "Step": Step,
        "today": timezone.localdate(),
    }
    return render(request, "dna/donor.html", context, status=status)


@staff_required
@require_safe
def donor(request, pk: int):
    return _donor_page(request, _donor(request, pk))


@staff_required
@require_POST
def donor_identity(request, pk: int):
    d = _donor(request, pk)
    identity = services.donor_reveal(actor=request.user, donor=d)
    return _donor_page(request, d, identity=identity)


@staff_required
@require_safe
def donor_consent_form(request, pk: int):
    """The signed consent form, for those who may know who the donor is; each opening audited."""
    handle = services.consent_form_open(actor=request.user, donor=_donor(request, pk))
    if handle is None:
        raise Http404("Không có phiếu đồng ý đã ký.")
    response = FileResponse(handle, as_attachment=False)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


DONOR_ACTIONS = ("contacted", "consent", "schedule", "sent", "result", "withdraw")


@staff_required
@require_POST
def donor_action(request, pk: int, action: str):
    if action not in DONOR_ACTIONS:
        raise Http404
    d = _donor(request, pk)
    user, post = request.user, request.POST
    forms = {}
    try:
        if action == "contacted":
            services.donor_contacted(actor=user, donor=d)
            done = "Đã ghi: đã liên hệ."
        elif action == "consent":
            form = ConsentForm(post, request.FILES)
            forms["consent"] = form
            if not form.is_valid():
                raise services.DnaError("Hãy kiểm tra lại các mục của sự đồng ý.")
            c = form.cleaned_data
            services.consent_record(
                actor=user,
                donor=d,
                informed=c["informed"],
                recipients=c["recipients"],
                method=c["method"],
                form_upload=c["form_file"],
                witness=c["witness"],
                notify_family=c["notify_family"],
            )
            done = "Đã ghi nhận sự đồng ý."
        elif action == "schedule":
            r = get_object_or_404(access.rounds(user), pk=post.get("round") or 0)
            services.round_schedule(actor=user, collection_round=r, donor=d)
            done = f"Đã xếp vào {r}."
        elif action == "sent":
            services.donor_sent(actor=user, donor=d, laboratory=post.get("laboratory", ""))
            done = "Đã ghi: gửi giám định."
        elif action == "result":
            form = ResultForm(post)
            forms["result"] = form
            if not form.is_valid():
                raise services.DnaError("Hãy kiểm tra lại kết quả.")
            c = form.cleaned_data
            grave = None
            if c["grave"]:
                from doantu.registry import access as registry_access

                grave = registry_access.scope(user, Grave.objects).filter(pk=c["grave"]).first()
                if grave is None:
                    raise services.DnaError("Không tìm thấy mộ có số hiệu này trong phạm vi của bạn.")
            services.donor_result(
                actor=user, donor=d, result=c["result"], grave=grave, reference=c["reference"]
            )
            done = "Đã ghi kết quả giám định."
        else:
            if not post.get("confirm"):
                raise services.DnaError("Hãy đánh dấu xác nhận người cho mẫu đã yêu cầu rút lại sự đồng ý.")
            record = services.donor_withdraw(actor=user, donor=d, note=post.get("note", ""))
            messages.success(
                request,
                "Đã ghi nhận rút lại đồng ý: thông tin cá nhân đã xóa. "
                + " ".join(record.actions)
                + f" Xác nhận cho người cho mẫu: {record.confirmation}.",
            )
            return redirect("dna:martyr", d.relative.martyr_id)
    except services.DnaError as exc:
        messages.error(request, str(exc))
        d.refresh_from_db()
        return _donor_page(request, d, forms=forms, status=400)
    messages.success(request, done)
    return redirect("dna:donor", d.pk)


@staff_required
@require_POST
def tip_offer(request, pk: int):
    tip = get_object_or_404(tip_access.tips_visible_to(request.user), pk=pk)
    access.require(access.can_manage(request.user))
    link = (
        TipLink.objects.filter(tip=tip, decision=LinkDecision.CONFIRMED, martyr__isnull=False)
        .select_related("martyr")
        .first()
    )
    if link is None:
        messages.error(
            request, "Hãy xác nhận thông tin này liên quan đến hồ sơ liệt sĩ nào trước (trang thông tin)."
        )
        return redirect("dna:overview")
    try:
        d = services.donor_from_tip(actor=request.user, tip=tip, martyr=link.martyr)
    except services.DnaError as exc:
        messages.error(request, str(exc))
        return redirect("dna:overview")
    messages.success(request, "Đã ghi nhận đăng ký cho mẫu ADN vào phả hệ dòng mẹ.")
    return redirect("dna:donor", d.pk)


@staff_required
def relatives_import(request):
    access.require(access.can_manage(request.user))
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = services.relatives_import(actor=request.user, upload=form.cleaned_data["file"])
        if not report.errors:
            messages.success(request, f"Đã nhập {report.created} thân nhân.")
            return redirect("dna:overview")
    return render(
        request,
        "dna/import.html",
        {
            "form": form,
            "report": report,
            "columns": services.IMPORT_COLUMNS,
            "status": 400 if report else 200,
        },
        status=400 if report and report.errors else 200,
    )


@staff_required
def rounds(request):
    user = request.user
    access.require(access.can_use_rounds(user))
    form = RoundForm(request.POST or None) if access.can_manage(user) else None
    if request.method == "POST":
        access.require(access.can_manage(user))
        if form.is_valid():
            try:
                r = services.round_create(actor=user, **form.cleaned_data)
            except services.DnaError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Đã lập đợt lấy mẫu.")
                return redirect("dna:round", r.pk)
    return render(request, "dna/rounds.html", {"rounds": access.rounds(user), "form": form})


def _round(request, pk: int) -> CollectionRound:
    r = get_object_or_404(access.rounds(request.user).select_related("police_unit"), pk=pk)
    access.require_round(request.user, r)
    return r


@staff_required
@require_safe
def round_detail(request, pk: int):
    r = _round(request, pk)
    entries = r.entries.select_related("donor__relative__martyr", "donor__residential_group")
    return render(
        request,
        "dna/round.html",
        {
            "r": r,
            "entries": entries,
            "outcomes": [Attendance.COLLECTED, Attendance.ABSENT, Attendance.REFUSED],
            "Attendance": Attendance,
            "may_export": access.can_export_round(request.user, r),
        },
    )


@staff_required
@require_POST
def round_record(request, pk: int, entry_id: int):
    r = _round(request, pk)
    entry = get_object_or_404(RoundEntry.objects.filter(round=r), pk=entry_id)
    try:
        services.round_record(
            actor=request.user,
            entry=entry,
            outcome=request.POST.get("outcome", ""),
            sample_number=request.POST.get("sample_number", ""),
        )
    except services.DnaError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Đã ghi.")
    return redirect("dna:round", r.pk)


@staff_required
@require_safe
def round_xlsx(request, pk: int):
    r = _round(request, pk)
    rows = services.round_list(actor=request.user, collection_round=r)
    response = HttpResponse(
        exports.round_xlsx(r, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="dot-lay-mau-{r.pk}.xlsx"'
    return response


@staff_required
@require_safe
def round_docx(request, pk: int):
    r = _round(request, pk)
    rows = services.round_list(actor=request.user, collection_round=r)
    response = HttpResponse(
        exports.round_docx(r, rows),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="dot-lay-mau-{r.pk}.docx"'
    return response


@staff_required
@require_safe
def withdrawals(request):
    """The data-protection record: withdrawals, what was done, the confirmation (never the sealed identity)."""
    if not request.user.is_admin:
        raise PermissionDenied
    return render(
        request, "dna/withdrawals.html", {"rows": Withdrawal.objects.select_related("donor__owner")}
    )
