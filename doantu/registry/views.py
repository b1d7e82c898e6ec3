"""Staff pages for the registry: search, records, imports with progress, duplicates, and the candidates on a
tip's page. Thin: each reads the request, calls one service or selector, renders."""

import tempfile

import xlsxwriter
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from doantu.linkage.gazetteer import resolve
from doantu.linkage.records import Record
from doantu.tips import access as tip_access
from doantu.tips.models import Tip, TipKind
from doantu.tips.views_staff import staff_required

from . import access, services, tasks
from .forms import (
    DocumentForm,
    GraveForm,
    MappingForm,
    MartyrForm,
    RelativeForm,
    SearchForm,
    UploadForm,
    WitnessForm,
)
from .imports import ENCODINGS, FIELDS, GRAVE_FIELDS, KINDS, SYSTEM_ID_LABEL
from .models import (
    Document,
    DuplicatePair,
    DuplicateStatus,
    Grave,
    ImportBatch,
    ImportStatus,
    LinkDecision,
    Martyr,
    MartyrStatus,
    TipLink,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Candidates the user may see, with their records and reasons (also used by the API).
_explained = services.explained


@staff_required
def search(request):
    _require(access.can_view_registry(request.user))
    form = SearchForm(request.GET or None)
    results, place = None, None
    if form.is_valid():
        d = form.cleaned_data
        query = Record(
            id="q",
            full_name=d["full_name"],
            birth=d["birth"],
            home_place=d["home_place"],
            unit=d["unit"],
            death_date=d["death_date"],
            death_place=d["death_place"],
        )
        results = _explained(services.martyr_search(actor=request.user, query=query, top=20), request.user)
        if d["home_place"]:
            r = resolve(d["home_place"])
            place = r.explain() if r.level != "none" else "Chưa nhận ra địa danh này."
    total = services.martyr_total(actor=request.user)
    return render(
        request,
        "registry/search.html",
        {
            "form": form,
            "results": results,
            "place": place,
            "total": total,
            "can_edit": access.can_edit_registry(request.user),
        },
    )


def _scoped_martyr(request, pk: int) -> Martyr:
    return get_object_or_404(
        access.scope(request.user, Martyr.objects).select_related("merged_into", "source_list"), pk=pk
    )


def _people(user, qs, revealed: dict):
    """Relatives or witnesses the user may see, each marked with whether they may ask who it is and, after a
    reveal, who it is (``revealed``: person pk -> identity)."""
    people = list(access.people_scope(user, qs))
    for person in people:
        person.can_reveal = access.can_reveal_person(user, person)
        person.identity = revealed.get(person.pk)
    return people


@staff_required
def martyr_detail(request, pk: int):
    martyr = _scoped_martyr(request, pk)
    can_edit = access.can_edit_registry(request.user)
    form = None
    if can_edit:
        form = MartyrForm(request.POST or None, initial={f: getattr(martyr, f) for f in FIELDS})
        if request.method == "POST" and form.is_valid():
            services.martyr_update(martyr=martyr, actor=request.user, values=form.cleaned_data)
            messages.success(request, "Đã lưu thay đổi.")
            return redirect(martyr.get_absolute_url())
    return render(request, "registry/martyr.html", _martyr_context(request, martyr, form=form))


def _martyr_context(request, martyr: Martyr, *, form=None, revealed_relatives=None, revealed_witnesses=None):
    can_edit = access.can_edit_registry(request.user)
    people = access.can_view_relatives(request.user)
    history = martyr.history.select_related("history_user").order_by("-history_date")[:30]
    return {
        "m": martyr,
        "form": form,
        "history": history,
        "relative_form": RelativeForm() if can_edit and access.can_view_relatives(request.user) else None,
        "witness_form": WitnessForm() if can_edit and access.can_view_relatives(request.user) else None,
        "witnesses": _people(
            request.user, martyr.witnesses.select_related("from_tip"), revealed_witnesses or {}
        )
        if people
        else None,
        "document_form": DocumentForm() if can_edit else None,
        "grave_form": GraveForm() if can_edit else None,
        "documents": martyr.documents.all(),
        "graves": martyr.graves.all(),
        "show_location": access.can_view_grave_location(request.user),
        "relatives": _people(request.user, martyr.relatives.all(), revealed_relatives or {})
        if people
        else None,
        "links": martyr.tip_links.select_related("tip", "decided_by").filter(
            tip__in=tip_access.tips_visible_to(request.user)
        ),
        "merged": martyr.merged.all(),
    }


@staff_required
@require_POST
def person_identity(request, pk: int, kind: str, person_id: int):
    """Reveal who a relative or witness of the martyr is (audited), like a tip's reporter; htmx swaps the
    person's line, a plain POST shows the page with it."""
    if kind not in ("relative", "witness"):
        raise Http404
    martyr = _scoped_martyr(request, pk)
    qs = martyr.relatives.all() if kind == "relative" else martyr.witnesses.select_related("from_tip")
    person = get_object_or_404(access.people_scope(request.user, qs), pk=person_id)
    identity = services.person_reveal(actor=request.user, person=person, martyr=martyr)
    person.can_reveal, person.identity = True, identity
    if request.htmx:
        return render(request, f"registry/martyr.html#{kind}", {"m": martyr, "p": person})
    key = "revealed_relatives" if kind == "relative" else "revealed_witnesses"
    return render(
        request, "registry/martyr.html", _martyr_context(request, martyr, **{key: {person.pk: identity}})
    )


@staff_required
def grave_detail(request, pk: int):
    """A grave: what its headstone says, the tips about it, and whose grave it is (set on a stated basis, with
    the martyrs the engine proposes for it)."""
    grave = get_object_or_404(
        access.scope(request.user, Grave.objects).select_related("martyr", "source_list"), pk=pk
    )
    can_edit = access.can_edit_registry(request.user)
    if request.method == "POST":
        _require(can_edit)
        martyr = None
        if request.POST.get("martyr"):
            martyr = _posted_record(request, access.scope(request.user, Martyr.objects), "martyr")
        try:
            services.grave_set_martyr(
                actor=request.user, grave=grave, martyr=martyr, basis=request.POST.get("basis", "")
            )
        except services.RegistryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Đã ghi: mộ của liệt sĩ {martyr}." if martyr else "Đã bỏ xác định mộ.")
        return redirect(grave.get_absolute_url())
    candidates = _explained(services.grave_martyr_candidates(actor=request.user, grave=grave), request.user)
    links = grave.tip_links.select_related("tip", "decided_by").filter(
        tip__in=tip_access.tips_visible_to(request.user)
    )
    history = grave.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "registry/grave.html",
        {
            "g": grave,
            "links": links,
            "candidates": candidates,
            "can_edit": can_edit,
            "history": history,
            "show_location": access.can_view_grave_location(request.user),
        },
    )


@staff_required
def graves(request):
    _require(access.can_view_registry(request.user))
    form = GraveForm(request.POST or None) if access.can_edit_registry(request.user) else None
    if form is not None and request.method == "POST" and form.is_valid():
        martyr = None
        if request.POST.get("martyr"):
            martyr = _posted_record(request, access.scope(request.user, Martyr.objects), "martyr")
        grave = services.grave_create(actor=request.user, values=form.cleaned_data, martyr=martyr)
        messages.success(request, f"Đã thêm mộ: {grave}")
        return redirect(martyr.get_absolute_url() if martyr else grave.get_absolute_url())
    q = request.GET.get("q", "").strip()
    rows = access.scope(request.user, Grave.objects).select_related("martyr")
    if q:
        rows = rows.filter(
            Q(cemetery__icontains=q) | Q(headstone_name__icontains=q) | Q(partial_info__icontains=q)
        )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "registry/graves.html", {"page": page, "form": form, "q": q})


def _form_errors(form) -> str:
    return "; ".join(str(e) for errs in form.errors.values() for e in errs)


def _add_person(request, pk: int, form_class, add, what: str, anchor: str):
    """A relative or a witness added to a martyr's record by hand."""
    martyr = get_object_or_404(access.scope(request.user, Martyr.objects), pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        add(actor=request.user, martyr=martyr, values=form.cleaned_data)
        messages.success(request, f"Đã thêm {what}.")
    else:
        messages.error(request, f"Chưa thêm được {what}: " + _form_errors(form))
    return redirect(martyr.get_absolute_url() + anchor)


@staff_required
@require_POST
def relative_add(request, pk: int):
    return _add_person(request, pk, RelativeForm, services.relative_add, "thân nhân", "#relatives")


@staff_required
@require_POST
def witness_add(request, pk: int):
    return _add_person(request, pk, WitnessForm, services.witness_add, "nhân chứng", "#witnesses")


@staff_required
@require_POST
def document_add(request, pk: int):
    martyr = get_object_or_404(access.scope(request.user, Martyr.objects), pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.document_add(
                actor=request.user,
                martyr=martyr,
                kind=d["kind"],
                title=d["title"],
                upload=d["file"],
                description=d["description"],
                provenance=d["provenance"],
            )
        except services.RegistryError as exc:
            messages.error(request, "Chưa thêm được: " + str(exc))
        else:
            messages.success(request, "Đã thêm kỷ vật, tài liệu.")
    else:
        messages.error(request, "Chưa thêm được: " + _form_errors(form))
    return redirect(martyr.get_absolute_url())


@staff_required
def document_file(request, pk: int):
    document = get_object_or_404(access.scope(request.user, Document.objects), pk=pk)
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:  # the row outlived its file (a restore without media, a disk fault)
        raise Http404("Không tìm thấy tệp.") from None
    response = FileResponse(handle, as_attachment=False)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def martyr_new(request):
    _require(access.can_edit_registry(request.user))
    form = MartyrForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        martyr = services.martyr_create(actor=request.user, values=form.cleaned_data)
        return redirect(martyr.get_absolute_url())
    return render(request, "registry/martyr_new.html", {"form": form})


# ------------------------------------------------------------------------------------------ imports


@staff_required
def imports(request):
    _require(access.can_edit_registry(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_upload(
                actor=request.user,
                upload=form.cleaned_data["file"],
                list_name=form.cleaned_data["list_name"],
                issuer=form.cleaned_data["issuer"],
                kind=form.cleaned_data["kind"],
                cemetery=form.cleaned_data["cemetery"],
            )
        except services.RegistryError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("registry:import", batch.pk)
    batches = access.scope(request.user, ImportBatch.objects).select_related("source_list", "created_by")[:30]
    return render(request, "registry/imports.html", {"form": form, "batches": batches})


def _batch(request, pk: int) -> ImportBatch:
    _require(access.can_edit_registry(request.user))
    return get_object_or_404(
        access.scope(request.user, ImportBatch.objects).select_related("source_list"), pk=pk
    )


@staff_required
def import_detail(request, pk: int):
    batch = _batch(request, pk)
    if request.method == "POST" and "encoding" in request.POST:
        try:
            services.import_set_encoding(batch=batch, actor=request.user, encoding=request.POST["encoding"])
        except services.RegistryError as exc:
            messages.error(request, str(exc))
        return redirect("registry:import", batch.pk)
    form = MappingForm(
        request.POST or None, headers=batch.headers, mapping=batch.mapping, fields=KINDS[batch.kind].columns
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_set_mapping(batch=batch, actor=request.user, mapping=form.mapping())
        except services.RegistryError as exc:
            form.add_error(None, str(exc))
        else:
            services.import_start(batch=batch, actor=request.user, apply=False)
            return redirect("registry:import", batch.pk)
    context = {
        "batch": batch,
        "form": form,
        "encodings": ENCODINGS.items(),
        "running": batch.status in (ImportStatus.CHECKING, ImportStatus.RUNNING),
    }
    if request.htmx and request.GET.get("part") == "progress":
        response = render(request, "registry/import.html#progress", context)
        if not context["running"]:
            # finished while the page polled: reload it whole (the report, the column form, the next step)
            response["HX-Refresh"] = "true"
        return response
    return render(request, "registry/import.html", context)


@staff_required
@require_POST
def import_apply(request, pk: int):
    batch = _batch(request, pk)
    try:
        services.import_start(batch=batch, actor=request.user, apply=True)
    except services.RegistryError as exc:
        messages.error(request, str(exc))
    return redirect("registry:import", batch.pk)


def _xlsx_download(sheet_name: str, filename: str, labels: list[str], rows) -> FileResponse:
    """A spreadsheet streamed from disk (constant memory, whatever the number of rows)."""
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook = xlsxwriter.Workbook(tmp.name, {"constant_memory": True})
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True, "bg_color": "#F1EEE8", "border": 1})
    for col, label in enumerate(labels):
        sheet.write(0, col, label, bold)
    sheet.set_column(0, len(labels), 18)
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            sheet.write_string(r, col, "" if value is None else str(value))
    workbook.close()
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _relabel(rows, column: int, labels: dict):
    """Rows with one column's stored values replaced by the words a person reads (and the import reads back)."""
    for r in rows:
        yield r[:column] + (labels[r[column]],) + r[column + 1 :]


@staff_required
def export_xlsx(request):
    _require(access.can_view_registry(request.user))
    columns = ["pk", *FIELDS, "home_resolved"]
    rows = (
        access.scope(request.user, Martyr.objects)
        .filter(merged_into=None)
        .order_by("pk")
        .values_list(*columns)
        .iterator(chunk_size=5000)
    )
    return _xlsx_download(
        "Liệt sĩ",
        "so-liet-si.xlsx",
        [SYSTEM_ID_LABEL, *FIELDS.values(), "Quê quán hiện nay (tra cứu)"],
        _relabel(rows, columns.index("status"), {**dict(MartyrStatus.choices), "": ""}),
    )


@staff_required
def graves_export_xlsx(request):
    """The graves in the columns the grave import reads (so an exported list can be corrected and imported
    back); exact locations only for those allowed to see them."""
    _require(access.can_view_registry(request.user))
    fields = {
        k: v
        for k, v in GRAVE_FIELDS.items()
        if access.can_view_grave_location(request.user) or k not in ("latitude", "longitude")
    }
    columns = ["pk", *fields, "martyr__full_name"]
    rows = (
        access.scope(request.user, Grave.objects)
        .order_by("pk")
        .values_list(*columns)
        .iterator(chunk_size=5000)
    )
    return _xlsx_download(
        "Mộ liệt sĩ",
        "mo-liet-si.xlsx",
        [SYSTEM_ID_LABEL, *fields.values(), "Liệt sĩ (đã xác định)"],
        _relabel(rows, columns.index("has_remains"), {True: "Có", False: "Không", None: ""}),
    )


# ------------------------------------------------------------------------------------------ duplicates


@staff_required
def duplicates(request):
    _require(access.can_view_registry(request.user))
    visible = access.scope(request.user, Martyr.objects).values("pk")
    pairs = DuplicatePair.objects.filter(
        status=DuplicateStatus.PENDING, a__in=visible, b__in=visible
    ).select_related("a", "b")
    page = Paginator(pairs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/duplicates.html",
        {
            "page": page,
            "can_edit": access.can_edit_registry(request.user),
            "fields": [(f, FIELDS[f]) for f in FIELDS if f != "notes"],
        },
    )


@staff_required
@require_POST
def duplicates_run(request):
    _require(access.can_edit_registry(request.user))
    tasks.find_duplicates.enqueue(actor_id=request.user.pk)
    messages.success(request, "Đã bắt đầu dò hồ sơ trùng; kết quả sẽ hiện trong danh sách khi xong.")
    return redirect("registry:duplicates")


@staff_required
@require_POST
def duplicate_decide(request, pk: int):
    pair = get_object_or_404(DuplicatePair.objects.select_related("a", "b"), pk=pk)
    _require(access.scope(request.user, Martyr.objects).filter(pk__in=[pair.a_id, pair.b_id]).count() == 2)
    try:
        if request.POST.get("decision") == "merge":
            keep = pair.a if request.POST.get("keep") == str(pair.a_id) else pair.b
            services.martyr_merge(pair=pair, actor=request.user, keep=keep)
            messages.success(request, f"Đã gộp vào hồ sơ #{keep.pk}.")
        else:
            services.duplicate_reject(pair=pair, actor=request.user, note=request.POST.get("note", ""))
            messages.success(request, "Đã ghi nhận: hai hồ sơ là hai người khác nhau.")
    except services.RegistryError as exc:
        messages.error(request, str(exc))
    return redirect("registry:duplicates")


# ------------------------------------------------------------------------------------------ tip candidates


def _visible_tip(request, pk: int) -> Tip:
    tip = tip_access.tips_visible_to(request.user).filter(pk=pk).first()
    if tip is None:
        raise Http404
    return tip


@staff_required
def tip_candidates(request, pk: int):
    tip = _visible_tip(request, pk)
    _require(access.can_view_registry(request.user))
    links = list(TipLink.objects.filter(tip=tip).select_related("martyr", "grave", "decided_by", "named"))
    decided = {
        (("martyr", link.martyr_id) if link.martyr_id else ("grave", link.grave_id)): link for link in links
    }
    # One block per person the tip names, each matched against the registry on its own: a martyr block of the
    # form, or each of the people one block's name field names ("A, B và C" from a witness's account).
    named_blocks = []
    for found in services.tip_person_matches(tip=tip, actor=request.user):
        person = found.person
        block = {
            "named": person.named,
            "person": person,
            "anchor": str(person.named.position) + (f"-{person.number}" if person.count > 1 else ""),
            "candidates": found.martyrs,
            "graves": found.graves,
        }
        for kind in ("martyr", "grave"):
            for row in block["candidates" if kind == "martyr" else "graves"]:
                row["link"] = decided.get((kind, row[kind].pk))
        named_blocks.append(block)
    candidates = [row for block in named_blocks for row in block["candidates"]]
    graves = [row for block in named_blocks for row in block["graves"]]
    confirmed = [link for link in links if link.decision == LinkDecision.CONFIRMED]
    confirmed_martyrs = [link for link in confirmed if link.martyr_id]
    may_copy_reporter = access.can_view_relatives(request.user) and access.can_link_tip(request.user, tip)
    context = {
        "tip": tip,
        "named_blocks": named_blocks,
        "several": len(named_blocks) > 1,
        "candidates": candidates,
        "can_link": access.can_link_tip(request.user, tip),
        "confirmed": confirmed,
        "graves": graves,
        "can_make_relative": bool(
            confirmed_martyrs
            and tip.relationship
            and may_copy_reporter
            and tip_access.identity_shareable(tip, for_dna=True)
        ),
        "can_make_witness": bool(
            confirmed_martyrs
            and tip.has_kind(TipKind.WITNESS)
            and may_copy_reporter
            and tip_access.identity_shareable(tip)
        ),
    }
    if request.htmx:
        return render(request, "registry/tip_candidates.html#panel", context)
    return render(request, "registry/tip_candidates.html", context)


@staff_required
@require_POST
def tip_link(request, pk: int):
    """Confirm or reject a candidate martyr (POST "martyr") or grave (POST "grave"), with the engine's reasons."""
    tip = _visible_tip(request, pk)
    kind, model, find = (
        ("grave", Grave, services.tip_grave_candidates)
        if request.POST.get("grave")
        else ("martyr", Martyr, services.tip_candidates)
    )
    record = _posted_record(request, access.scope(request.user, model.objects), kind)
    named = None
    if (posted := request.POST.get("named", "")).isascii() and posted.isdigit():
        named = get_object_or_404(tip.martyrs.all(), pk=int(posted))
    score, reasons = None, []
    for c in _explained(find(tip=tip, actor=request.user, named=named), request.user, model):
        # a block naming several people may find one record for two of them: the best reading is kept
        if c[kind].pk == record.pk and (score is None or c["score"] > score):
            score, reasons = c["score"], c["reasons"]
    try:
        services.tip_link_decide(
            tip=tip,
            actor=request.user,
            decision=request.POST.get("decision", ""),
            score=score,
            reasons=reasons,
            named=named,
            **{kind: record},
        )
    except services.RegistryError as exc:
        messages.error(request, str(exc))
    return redirect("registry:tip_candidates", tip.pk)


def _posted_record(request, queryset, name: str):
    """The record whose number the page posted as ``name``: 404 if it is not a number or not in ``queryset``
    (a lookup by a non-numeric key is a ValueError, which would be a 500)."""
    value = request.POST.get(name, "")
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return get_object_or_404(queryset, pk=int(value))


def _confirmed_link(request, pk: int) -> TipLink:
    """The tip's confirmed link to the martyr named in the POST (404 for anything else)."""
    tip = _visible_tip(request, pk)
    martyr_id = request.POST.get("martyr", "")
    if not martyr_id.isdigit():
        raise Http404
    return get_object_or_404(
        TipLink.objects.select_related("tip", "martyr"),
        tip=tip,
        decision=LinkDecision.CONFIRMED,
        martyr_id=int(martyr_id),
    )


def _person_from_tip(request, pk: int, make, done: str, anchor: str):
    """The sender of a tip confirmed to be about a martyr becomes one of the martyr's relatives or witnesses."""
    link = _confirmed_link(request, pk)
    try:
        make(actor=request.user, tip=link.tip, martyr=link.martyr)
    except services.RegistryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã thêm người gửi làm {done} {link.martyr}.")
    return redirect(link.martyr.get_absolute_url() + anchor)


@staff_required
@require_POST
def tip_make_relative(request, pk: int):
    return _person_from_tip(request, pk, services.relative_from_tip, "thân nhân của liệt sĩ", "#relatives")


@staff_required
@require_POST
def tip_make_witness(request, pk: int):
    return _person_from_tip(request, pk, services.witness_from_tip, "nhân chứng về liệt sĩ", "#witnesses")
