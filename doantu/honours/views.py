"""Staff pages of the commendations. Views read the request, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from doantu.org.models import OrgUnit
from doantu.tips.views_staff import staff_required

from . import access, contributions, selectors, services
from . import export as exports
from .forms import AchievementForm, DecisionForm, EvidenceForm, NominationForm
from .models import Achievement, Evidence, Review, Status

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require(user) -> None:
    if not access.can_use_honours(user):
        raise PermissionDenied("Chỉ Phòng VH-XH và lãnh đạo phường xem mục khen thưởng.")


def _nomination(request, pk: int):
    _require(request.user)
    return get_object_or_404(access.nominations_visible_to(request.user), pk=pk)


def _sources():
    return [(key, p.label) for key, p in contributions.PROVIDERS.items()]


@staff_required
@require_safe
def nomination_list(request):
    user = request.user
    _require(user)
    review = request.GET.get("dot", "")
    review = review if review in Review.values else ""
    status = request.GET.get("trang-thai", "")
    status = status if status in Status.values else ""
    context = {
        "nominations": selectors.nominations(user, review=review or None, status=status or None),
        "review": review,
        "status": status,
        "reviews": Review.choices,
        "statuses": Status.choices,
        "counts": selectors.counts(user),
        "can_propose": access.can_propose(user),
        "purposes": [(k, v[0].capitalize()) for k, v in exports.PURPOSES.items()],
    }
    return render(request, "honours/list.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def nomination_new(request):
    user = request.user
    if not access.can_propose(user):
        raise PermissionDenied("Chỉ Phòng Văn hóa - Xã hội lập đề nghị khen thưởng.")
    units = services.collective_units(user.ward) if user.ward else OrgUnit.objects.none()
    form = NominationForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                nomination = services.nomination_create(actor=user, values=form.cleaned_data)
            except services.WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Đã lập đề nghị; hãy thêm thành tích rồi trình lãnh đạo.")
                return redirect(nomination.get_absolute_url())
        status = 400
    return render(request, "honours/new.html", {"form": form}, status=status)


def _context(request, nomination, **overrides):
    user = request.user
    can_edit = access.can_edit(user, nomination)
    context = {
        "nomination": nomination,
        "achievements": selectors.achievements_shown(user, nomination),
        "evidence": nomination.evidence.all(),
        "can_edit": can_edit,
        "can_propose": can_edit and access.can_submit(user, nomination),
        "can_decide": access.can_decide(user, nomination) and nomination.status == Status.PROPOSED,
        "candidates": [],
    }
    if can_edit:
        context["achievement_form"] = AchievementForm(sources=_sources())
        context["evidence_form"] = EvidenceForm()
        query = request.GET.get("ma", "")
        context["query"] = query
        context["candidates"] = [
            (key, provider.label, provider.candidates(actor=user, ward=nomination.ward, query=query))
            for key, provider in contributions.PROVIDERS.items()
        ]
    if context["can_decide"]:
        context["decision_form"] = DecisionForm(initial={"date": timezone.localdate()})
    context.update(overrides)
    return context


@staff_required
@require_safe
def nomination_detail(request, pk: int):
    nomination = _nomination(request, pk)
    return render(request, "honours/nomination.html", _context(request, nomination))


def _achievement(request, nomination):
    form = AchievementForm(request.POST, sources=_sources())
    return form, lambda d: services.achievement_add(
        nomination=nomination,
        actor=request.user,
        source=d["source"],
        ref=d["ref"],
        summary=d["summary"],
        agreement=d["agreement"],
    )


def _evidence(request, nomination):
    form = EvidenceForm(request.POST, request.FILES)
    return form, lambda d: services.evidence_add(
        nomination=nomination, actor=request.user, uploads=d["files"]
    )


def _decide(request, nomination):
    form = DecisionForm(request.POST)
    return form, lambda d: services.nomination_decide(
        nomination=nomination,
        actor=request.user,
        decision=d["decision"],
        number=d["number"],
        date=d["date"],
        note=d["note"],
    )


def _propose(request, nomination):
    return None, lambda d: services.nomination_propose(nomination=nomination, actor=request.user)


# Every action a nomination's page can post (the access matrix walks this table).
NOMINATION_ACTIONS = {
    "achievement": (_achievement, "achievement_form"),
    "evidence": (_evidence, "evidence_form"),
    "propose": (_propose, None),
    "decide": (_decide, "decision_form"),
}


@staff_required
@require_POST
def nomination_action(request, pk: int, action: str):
    nomination = _nomination(request, pk)
    if action not in NOMINATION_ACTIONS:
        raise Http404
    make, key = NOMINATION_ACTIONS[action]
    form, run = make(request, nomination)
    if form is None or form.is_valid():
        try:
            run(form.cleaned_data if form is not None else {})
        except services.WorkflowError as exc:
            if form is None:
                messages.error(request, str(exc))
                return redirect(nomination.get_absolute_url())
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu.")
            return redirect(nomination.get_absolute_url())
    messages.error(request, "Chưa thực hiện được. Xem thông báo bên dưới.")
    nomination.refresh_from_db()
    return render(
        request, "honours/nomination.html", _context(request, nomination, **{key: form}), status=400
    )


@staff_required
@require_POST
def achievement_remove(request, pk: int, achievement_id: int):
    nomination = _nomination(request, pk)
    item = get_object_or_404(Achievement, pk=achievement_id, nomination=nomination)
    services.achievement_remove(achievement=item, actor=request.user)
    messages.success(request, "Đã bỏ thành tích.")
    return redirect(nomination.get_absolute_url())


@staff_required
def evidence_file(request, pk: int, evidence_id: int):
    nomination = _nomination(request, pk)
    item = get_object_or_404(Evidence, pk=evidence_id, nomination=nomination)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("Không tìm thấy tệp.") from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response


@staff_required
@require_safe
def export(request, fmt: str):
    user = request.user
    _require(user)
    if fmt not in FORMATS:
        raise Http404
    purpose = request.GET.get("muc-dich", "summary_2027")
    if purpose not in exports.PURPOSES:
        purpose = "summary_2027"
    review = request.GET.get("dot", "")
    review = review if review in Review.values else None
    make = exports.to_docx if fmt == "docx" else exports.to_xlsx
    content = make(actor=user, purpose=purpose, review=review)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="khen-thuong-{purpose}-{timezone.localdate():%Y%m%d}.{fmt}"'
    )
    return response
