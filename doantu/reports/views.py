"""Pages: the dashboard (figures per period and role, charts with their tables, drill-down), reports (draft →
approved → sent, files), the province roll-up (side by side, import of signed figures) and the ward's signed export.
Views only call services and selectors; every decision about access is in ``reports.access`` / ``indicators.access``."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from doantu import indicators
from doantu.documents.pdf import DocumentsUnavailable
from doantu.indicators import Breakdown, Period
from doantu.indicators import access as figure_access
from doantu.indicators.periods import PeriodError, parse_period
from doantu.org.models import OrgUnit, UnitKind
from doantu.tips.views_staff import staff_required

from . import access, rollup, services
from .charts import bar_chart
from .models import ReportKind

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _period(request, unit=None) -> tuple[Period, str]:
    text = request.GET.get("period") or f"{timezone.localdate():%Y-%m}"
    try:
        return parse_period(text, unit), ""
    except PeriodError as exc:
        return Period.parse(f"{timezone.localdate():%Y-%m}"), str(exc)


def _unit(request):
    units = figure_access.units_for(request.user)
    chosen = request.GET.get("unit")
    if chosen:
        unit = units.filter(pk=chosen).first() if chosen.isdigit() else None
        if unit is None:
            raise PermissionDenied("Bạn không có quyền xem số liệu của đơn vị này.")
        return unit, units
    ward = request.user.ward
    default = units.filter(pk=ward.pk).first() if ward else None
    if default is None:
        default = units.filter(kind=UnitKind.PROVINCE).first() or units.first()
    if default is None:
        raise PermissionDenied("Tài khoản này không xem bảng số liệu.")
    return default, units


@staff_required
@require_safe
def dashboard(request):
    unit, units = _unit(request)
    period, error = _period(request, unit)
    visible = indicators.visible_indicators(request.user, unit)
    values = indicators.figures(
        viewer=request.user, unit=unit, period=period, names=[i.name for i in visible]
    )
    sections: dict[str, dict] = {}
    for ind in visible:
        value = values[ind.name]
        section = sections.setdefault(
            ind.section_label, {"label": ind.section_label, "numbers": [], "tables": []}
        )
        if isinstance(value, Breakdown):
            rows = []
            for row in value.rows:
                link = (
                    indicators.drill_url(ind.name, viewer=request.user, unit=unit, period=period, key=row.key)
                    if row.values and row.values[0]
                    else None
                )
                rows.append({"label": row.label, "values": row.values, "value": row.values[0], "url": link})
            section["tables"].append(
                {
                    "indicator": ind,
                    "headers": value.headers(),
                    "rows": rows,
                    "total": [value.total(c) for c in range(len(value.columns))] if value.totals else None,
                    "chart": bar_chart(rows, title=ind.label),
                }
            )
        else:
            link = (
                indicators.drill_url(ind.name, viewer=request.user, unit=unit, period=period)
                if value
                else None
            )
            section["numbers"].append({"indicator": ind, "value": value, "url": link})
    return render(
        request,
        "reports/dashboard.html",
        {
            "unit": unit,
            "units": units,
            "period": period,
            "period_error": error,
            "sections": list(sections.values()),
            "figures_only": not any(
                figure_access.can_drill(request.user, unit, ind) for ind in visible if ind.drill
            ),
            "can_reports": access.can_use_reports(request.user),
            "province": access.province_of(request.user),
            "previous": period.previous().key if period.kind != "phase" else "",
            "export_key": rollup.public_key_text() if access.can_export_figures(request.user, unit) else "",
        },
    )


@staff_required
@require_safe
def report_list(request):
    access.require(access.can_use_reports(request.user), "Tài khoản này không dùng báo cáo.")
    reports = access.reports_visible_to(request.user).select_related("ward")
    ward = request.user.ward
    return render(
        request,
        "reports/list.html",
        {
            "reports": reports[:200],
            "can_draft": access.can_draft(request.user, ward),
            "kinds": ReportKind.choices,
            "default_period": f"{timezone.localdate():%Y-%m}",
        },
    )


@staff_required
@require_POST
def report_new(request):
    ward = request.user.ward
    try:
        report = services.report_create(
            actor=request.user,
            ward=ward,
            kind=request.POST.get("kind", ""),
            period_text=request.POST.get("period", ""),
            title=request.POST.get("title", ""),
        )
    except services.ReportError as exc:
        messages.error(request, str(exc))
        return redirect("reports:list")
    messages.success(
        request, "Đã tạo dự thảo báo cáo; số liệu được điền tự động, hãy viết các phần nhận định."
    )
    return redirect("reports:detail", pk=report.pk)


def _visible_report(request, pk):
    report = get_object_or_404(access.reports_visible_to(request.user).select_related("ward"), pk=pk)
    return report


@staff_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    report = _visible_report(request, pk)
    if request.method == "POST":
        changes = {k: request.POST.get(k, "") for k in services.EDITABLE if k in request.POST}
        changes["narrative"] = {k: request.POST.get(f"narrative_{k}", "") for k, _, _ in services.NARRATIVE}
        try:
            services.report_update(actor=request.user, report=report, changes=changes)
        except services.ReportError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Đã lưu dự thảo.")
        return redirect("reports:detail", pk=report.pk)
    figures = services.report_figures(report)
    numbers = [
        (ind, services.format_number(figures[ind.name], ind.unit))
        for ind in indicators.all_indicators()
        if ind.name in figures and not isinstance(figures[ind.name], Breakdown)
    ]
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "numbers": numbers,
            "narrative": [
                (k, label, hint, report.narrative.get(k, "")) for k, label, hint in services.NARRATIVE
            ],
            "can_edit": access.can_edit(request.user, report),
            "can_approve": access.can_approve(request.user, report),
            "can_send": access.can_send(request.user, report),
        },
    )


@staff_required
@require_POST
def report_action(request, pk, action):
    report = _visible_report(request, pk)
    try:
        if action == "approve":
            services.report_approve(actor=request.user, report=report)
            messages.success(request, "Đã duyệt báo cáo; số liệu được chốt theo thời điểm duyệt.")
        elif action == "send":
            services.report_send(actor=request.user, report=report, number=request.POST.get("number"))
            messages.success(request, "Đã cấp số và lưu trữ báo cáo; bản đã gửi không sửa được nữa.")
        else:
            raise Http404
    except services.ReportError as exc:
        messages.error(request, str(exc))
    return redirect("reports:detail", pk=report.pk)


@staff_required
@require_safe
def report_file(request, pk):
    report = _visible_report(request, pk)
    fmt = request.GET.get("f", "docx")
    if fmt not in CONTENT_TYPES:
        raise Http404
    try:
        content = {
            "docx": services.render_docx,
            "xlsx": services.render_xlsx,
            "pdf": services.render_pdf,
        }[fmt](report)
    except DocumentsUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("reports:detail", pk=report.pk)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"bao-cao-{report.ward.code}-{report.period.key.replace(':', '_').replace('..', '_')}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
@require_safe
def province(request):
    province_unit = access.province_of(request.user)
    access.require(access.can_see_rollup(request.user, province_unit), "Chỉ cấp tỉnh xem được trang này.")
    period, error = _period(request)
    rank_by = request.GET.get("rank", "tips.received")
    table = rollup.province_table(viewer=request.user, province=province_unit, period=period, rank_by=rank_by)
    return render(
        request,
        "reports/province.html",
        {
            "province": province_unit,
            "period": period,
            "period_error": error,
            "table": table,
            "rank_by": rank_by,
        },
    )


@staff_required
@require_safe
def province_report(request):
    """The province's own report of a period (its wards summed): DOCX, its XLSX annex, or a PDF of the DOCX."""
    from doantu.documents.pdf import docx_to_pdf

    province_unit = access.province_of(request.user)
    access.require(access.can_see_rollup(request.user, province_unit), "Chỉ cấp tỉnh lập được báo cáo này.")
    period, error = _period(request)
    fmt = request.GET.get("f", "docx")
    if fmt not in CONTENT_TYPES:
        raise Http404
    if error:
        messages.error(request, error)
        return redirect("reports:province")
    try:
        if fmt == "xlsx":
            content = rollup.province_report_xlsx(viewer=request.user, province=province_unit, period=period)
        else:
            doc, _table = rollup.province_report(viewer=request.user, province=province_unit, period=period)
            content = doc.to_docx() if fmt == "docx" else docx_to_pdf(doc.to_docx())
    except DocumentsUnavailable as exc:
        messages.error(request, str(exc))
        return redirect(reverse("reports:province") + f"?period={period.key}")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"bao-cao-tong-hop-{province_unit.code}-{period.key.replace(':', '_').replace('..', '_')}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
@require_POST
def rollup_import(request):
    upload = request.FILES.get("file")
    data = upload.read(rollup.MAX_ENVELOPE_BYTES + 1) if upload else request.POST.get("envelope", "").encode()
    try:
        submission, outcome = rollup.import_envelope(actor=request.user, data=data)
    except services.ReportError as exc:
        messages.error(request, str(exc))
    else:
        words = {
            "created": "Đã nhận số liệu",
            "unchanged": "Số liệu này đã được nhận trước đó, không có gì thay đổi",
            "updated": "Đã cập nhật bản số liệu mới hơn",
        }
        messages.success(request, f"{words[outcome]}: {submission.ward.name}, kỳ {submission.period_key}.")
    return redirect(reverse("reports:province") + f"?period={request.POST.get('period', '')}")


@staff_required
@require_POST
def ward_key(request):
    province_unit = access.province_of(request.user)
    access.require(
        access.can_import(request.user, province_unit), "Chỉ cấp tỉnh được đăng ký khóa của phường."
    )
    code = request.POST.get("ward", "")
    ward = OrgUnit.objects.filter(
        kind=UnitKind.WARD, code=code, path__startswith=province_unit.path + "/"
    ).first()
    if ward is None:
        messages.error(request, "Hãy chọn một phường của tỉnh.")
    else:
        try:
            rollup.ward_key_add(actor=request.user, ward=ward, public_key=request.POST.get("public_key", ""))
        except services.ReportError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Đã đăng ký khóa ký số liệu của {ward.name}.")
    return redirect("reports:province")


@staff_required
@require_safe
def rollup_export(request):
    ward = request.user.ward
    access.require(
        access.can_export_figures(request.user, ward), "Chỉ cán bộ chiến dịch của phường được xuất số liệu."
    )
    period, error = _period(request, ward)
    if error:
        messages.error(request, error)
        return redirect("reports:dashboard")
    envelope = rollup.export_envelope(actor=request.user, ward=ward, period=period)
    if request.GET.get("format") == "dhis2":
        body, name = rollup.dhis2_data_value_set(envelope["payload"]), f"dhis2-{ward.code}-{period.key}.json"
    else:
        body, name = envelope, f"so-lieu-{ward.code}-{period.key}.json"
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name.replace(":", "_")}"'
    return response


@staff_required
@require_safe
def ward_map(request):
    from doantu.tips.models import TipKind, TipStatus

    from . import maps

    ward = request.user.ward
    if request.user.is_admin and request.GET.get("unit", "").isdigit():
        ward = OrgUnit.objects.filter(pk=request.GET["unit"], kind=UnitKind.WARD).first()
    error = ""
    if request.GET.get("period"):
        period, error = _period(request, ward)
    else:
        period = maps.default_period()
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    grave_kind, grave_status = request.GET.get("grave_kind", ""), request.GET.get("grave_status", "")
    data = maps.map_points(
        viewer=request.user,
        ward=ward,
        period=period,
        kind=kind,
        status=status,
        grave_kind=grave_kind,
        grave_status=grave_status,
    )
    return render(
        request,
        "reports/map.html",
        {
            "ward": ward,
            "period": period,
            "period_error": error,
            "data": data,
            "kind": kind,
            "status": status,
            "kinds": TipKind.choices,
            "statuses": TipStatus.choices,
            "grave_kind": grave_kind,
            "grave_status": grave_status,
            "grave_kinds": maps.GraveKind.choices,
            "grave_statuses": maps.GraveStatus.choices,
            "min_cell": maps.MIN_CELL,
        },
    )
