"""Public pages: the intake form behind each QR code, the receipt, and the status look-up. No account."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .forms import StatusLookupForm, TipForm
from .models import Tip
from .selectors import active_source
from .services import tip_public_status, tip_submit
from .throttle import RATE_MESSAGE, allow_submission
from .uploads import MB


def _too_big(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > (settings.TIP_MAX_TOTAL_MB + 2) * MB


@require_http_methods(["GET", "POST"])
def intake(request, code: str):
    source = active_source(code)
    if source is None:
        raise Http404("Không tìm thấy mã QR này.")
    context = {
        "source": source,
        "ward": source.ward,
        "limits_mb": settings.TIP_MAX_MB,
        "max_files": settings.TIP_MAX_FILES,
        "max_total_mb": settings.TIP_MAX_TOTAL_MB,
    }
    status = 200
    if request.method == "POST":
        if _too_big(request):
            context.update(
                form=TipForm(ward=source.ward),
                page_error=(
                    f"Các tệp gửi kèm quá lớn (tổng cộng tối đa {settings.TIP_MAX_TOTAL_MB} MB). "
                    "Hãy bớt tệp hoặc gửi video ngắn hơn."
                ),
            )
            return render(request, "tips/public/intake.html", context, status=413)
        key = request.POST.get("submission_key", "")
        if key and (tip := Tip.objects.filter(submission_key=key).only("receipt_code").first()):
            return redirect("public:receipt", tip.receipt_code)  # a retry of a tip we already have
        if not allow_submission(request):
            context.update(form=TipForm(request.POST, ward=source.ward), page_error=RATE_MESSAGE)
            return render(request, "tips/public/intake.html", context, status=429)
        form = TipForm(request.POST, request.FILES, ward=source.ward)
        if form.is_valid():
            tip, _created = tip_submit(
                source=source,
                submission=form.submission(),
                files=form.prepared_files,
                submission_key=form.cleaned_data["submission_key"],
            )
            return redirect("public:receipt", tip.receipt_code)
        status = 400
        context["files_lost"] = bool(request.FILES)
    else:
        form = TipForm(ward=source.ward)
    context["form"] = form
    return render(request, "tips/public/intake.html", context, status=status)


def receipt(request, receipt_code: str):
    tip = get_object_or_404(Tip.objects.select_related("ward"), receipt_code=receipt_code)
    return render(
        request,
        "tips/public/receipt.html",
        {"tip": tip, "ward": tip.ward, "needs_phone": bool(tip.status_check)},
    )


@require_http_methods(["GET", "POST"])
def status(request):
    tip = None
    not_found = False
    if request.method == "POST":
        form = StatusLookupForm(request.POST)
        if form.is_valid():
            if not allow_submission(request):  # the same budget: guessing codes costs like submitting
                form.add_error(None, RATE_MESSAGE)
            else:
                tip = tip_public_status(
                    receipt_code=form.cleaned_data["receipt_code"],
                    phone_digits=form.cleaned_data["phone_digits"],
                )
                not_found = tip is None
    else:
        form = StatusLookupForm(initial={"receipt_code": request.GET.get("ma", "")})
    context = {"form": form, "tip": tip, "not_found": not_found, "ward": tip.ward if tip else None}
    return render(request, "tips/public/status.html", context)
