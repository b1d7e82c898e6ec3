"""Staff pages of the plan register: the overview (progress by phase and by agency, every task), a task's page
(check-ins, updates, the form to report), what my agency owes this week, loading a plan file.

Views read the request, call one service or selector, render; ``access`` decides, inside them."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from doantu.tips.views_staff import staff_required

from . import access, selectors, services
from .forms import ImportForm, UpdateForm


@staff_required
@require_safe
def plan_home(request):
    plans = list(selectors.plans_for(request.user))
    if len(plans) == 1:
        return redirect(plans[0].get_absolute_url())
    return render(
        request,
        "plan/home.html",
        {"plans": plans, "may_import": access.import_wards(request.user).exists()},
    )


@staff_required
@require_safe
def overview(request, pk: int):
    plan = selectors.plan_for(request.user, pk)
    data = selectors.plan_overview(request.user, plan)
    data["groups"] = [a for a in data["agencies"] if a.unit.kind == "residential_group"]
    return render(
        request,
        "plan/overview.html",
        {
            "plan": plan,
            **data,
            "today": selectors.current_date(),
            "may_import": access.can_import(request.user, plan.ward),
            "owed": selectors.owed_this_week(request.user),
        },
    )


def _form(request, task, data=None, files=None, initial=None):
    check_ins = list(task.check_ins.all())
    return UpdateForm(data, files, check_ins=check_ins, initial=initial)


def _default_check_in(progress, unit_id, today):
    """A lead agency: the earliest check-in it still owes. A coordinating one: the current period's."""
    own = [o for o in progress.owed if o.unit.pk == unit_id and o.state != selectors.State.MET]
    if own:
        return own[0].check_in.pk
    current = [o for o in progress.owed if o.check_in.due >= today]
    return current[0].check_in.pk if current else None


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_detail(request, pk: int):
    user = request.user
    task = selectors.task_for(user, pk)
    may_report = access.can_report(user, task)
    progress = selectors.task_progress(user, task)
    form = None
    if may_report:
        if request.method == "POST":
            form = _form(request, task, request.POST, request.FILES)
            if form.is_valid():
                check_in = task.check_ins.filter(pk=form.cleaned_data.get("check_in") or 0).first()
                try:
                    services.update_post(
                        actor=user,
                        task=task,
                        status=form.cleaned_data["status"],
                        narrative=form.cleaned_data["narrative"],
                        check_in=check_in,
                        files=form.cleaned_data["files"],
                        link_refs=form.link_refs(),
                    )
                except services.PlanError as exc:
                    for problem in exc.problems:
                        form.add_error(None, problem)
                else:
                    messages.success(request, "Đã gửi báo cáo tiến độ.")
                    return redirect(task.get_absolute_url())
        else:
            form = _form(
                request,
                task,
                initial={"check_in": _default_check_in(progress, user.unit_id, selectors.current_date())},
            )
    elif request.method == "POST":
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Chỉ cơ quan chủ trì hoặc phối hợp nhiệm vụ này được báo cáo tiến độ.")
    return render(
        request,
        "plan/task.html",
        {
            "task": task,
            "plan": task.plan,
            "progress": progress,
            "updates": selectors.task_updates(user, task),
            "form": form,
            "today": selectors.current_date(),
        },
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_edit(request, pk: int):
    user = request.user
    update = selectors.update_for(user, pk)
    task = update.task
    if not access.can_edit_update(user, update):
        # Whoever reads the plan may read the update here; only its agency gets the form (and may send it).
        if request.method == "POST":
            access.require_edit_update(user, update)
        return render(request, "plan/update_edit.html", {"form": None, "update": update, "task": task})
    initial = {"status": update.status, "narrative": update.narrative}
    form = UpdateForm(request.POST or None, request.FILES or None, initial=initial, with_check_in=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_edit(
                actor=user,
                update=update,
                status=form.cleaned_data["status"],
                narrative=form.cleaned_data["narrative"],
                files=form.cleaned_data["files"],
                link_refs=form.link_refs(),
            )
        except services.PlanError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, "Đã sửa báo cáo.")
            return redirect(task.get_absolute_url())
    return render(request, "plan/update_edit.html", {"form": form, "update": update, "task": task})


@staff_required
@require_safe
def evidence(request, pk: int):
    item = services.evidence_open(actor=request.user, evidence_id=pk)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    disposition = "inline" if item.is_image or item.content_type == "application/pdf" else "attachment"
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(
        disposition == "attachment", item.original_name or "minh-chung"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_safe
def my_week(request):
    return render(
        request,
        "plan/my_week.html",
        {
            "owed": selectors.owed_this_week(request.user),
            "today": selectors.current_date(),
            "may_report": access.may_report(request.user),
        },
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_import(request):
    wards = access.import_wards(request.user)
    if not wards.exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Chỉ Phòng Văn hóa - Xã hội của phường (hoặc quản trị) được nạp kế hoạch.")
    form = ImportForm(request.POST or None, request.FILES or None, wards=wards)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.plan_import(
                actor=request.user, ward=form.cleaned_data["ward"], file=upload, name=upload.name
            )
        except services.PlanError as exc:
            problems = exc.problems
        else:
            messages.success(
                request,
                f"Đã nạp kế hoạch: {result.tasks} nhiệm vụ, {result.check_ins} kỳ báo cáo, "
                f"{result.duties} nhiệm vụ của cơ quan.",
            )
            return redirect(result.plan.get_absolute_url())
    return render(request, "plan/import.html", {"form": form, "problems": problems})
