"""Public pages: the intake form behind each QR code, the receipt, and the status look-up. No account."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from doantu.notify.channels import mask

from . import access, held, receipts, visits
from .forms import StatusLookupForm, TipForm, WithdrawConsentForm
from .models import Tip
from .selectors import active_source
from .services import (
    SubmissionKeyConflict,
    WorkflowError,
    submission_fingerprint,
    tip_for_retry,
    tip_public_status,
    tip_receipt_send,
    tip_submit,
    tip_withdraw_consent,
)
from .throttle import (
    CODE_LOCKED_MESSAGE,
    RATE_MESSAGE,
    RECEIPT_RATE_MESSAGE,
    STATUS_RATE_MESSAGE,
    allow_receipt_send,
    allow_status_lookup,
    allow_submission,
    remember_device,
    status_code_locked,
    status_failed,
)


def _fingerprint(request) -> str:
    files = [(name, f) for name in sorted(request.FILES) for f in request.FILES.getlist(name)]
    return submission_fingerprint(dict(request.POST.lists()), files)


def _key_conflict(request, context, source):
    """The key names another tip with other content (the Back button, then an edit): keep what the person
    wrote, under a fresh key, and say why nothing was saved."""
    data = request.POST.copy()
    data["submission_key"] = TipForm(ward=source.ward).initial["submission_key"]
    context.update(
        form=TipForm(data, ward=source.ward),
        files_lost=bool(request.FILES),
        page_error=(
            "Trang này đã được dùng để gửi một nội dung khác trước đó, nên nội dung vừa sửa chưa được lưu. "
            "Hãy kiểm tra lại và bấm Gửi một lần nữa (các tệp đính kèm, nếu có, cần được chọn lại)."
        ),
    )
    return render(request, "tips/public/intake.html", context, status=409)


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
        # Bodies above the intake's limit never get here: doantu.bodylimit refuses them unread (413).
        key = request.POST.get("submission_key", "")
        payload_hash = _fingerprint(request)
        try:
            if key and (tip := tip_for_retry(source=source, submission_key=key, payload_hash=payload_hash)):
                return redirect("public:receipt", tip.receipt_code)  # a retry of a tip we already have
        except SubmissionKeyConflict:
            return _key_conflict(request, context, source)
        if not allow_submission(request):
            context.update(form=TipForm(request.POST, ward=source.ward), page_error=RATE_MESSAGE)
            return render(request, "tips/public/intake.html", context, status=429)
        # Files kept from an attempt that came back with an error (no JavaScript): see tips.held.
        held_problem = ""
        try:
            held_all = held.read_token(request.POST.get("held_files", ""), submission_key=key)
        except held.HeldFilesInvalid as exc:
            held_all, held_problem = [], str(exc)
        removed = set(request.POST.getlist("held_remove"))
        kept = [h for i, h in enumerate(held_all) if str(i) not in removed]
        dropped = [h for i, h in enumerate(held_all) if str(i) in removed]
        adding = bool(request.POST.get("add_martyr"))  # "Thêm liệt sĩ" without JavaScript: not a submission
        form = TipForm(request.POST, request.FILES, ward=source.ward, held=kept, extra_martyr=adding)
        if adding:
            form.is_valid()  # checks (and prepares) the files chosen so far, so they are kept for the real submit
            form.quiet_except_files()
        elif form.is_valid() and not held_problem:
            try:
                files = held.load(kept) + form.prepared_files
            except held.HeldFilesInvalid as exc:
                held_problem, kept = str(exc), []
        if not adding and form.is_valid() and not held_problem:
            try:
                tip, _created = tip_submit(
                    source=source,
                    submission=form.submission(),
                    files=files,
                    submission_key=form.cleaned_data["submission_key"],
                    payload_hash=payload_hash,
                )
            except SubmissionKeyConflict:  # the same key, other content, sent at the same moment
                return _key_conflict(request, context, source)
            held.release(kept + dropped)  # now copies in the tip's own files
            # this browser just sent it: its receipt may say whom to ask for a DNA sample (not shown to others
            # who open the receipt's address, since it tells the reporter's relationship)
            request.session["just_submitted"] = tip.receipt_code
            return redirect("public:receipt", tip.receipt_code)
        if held_problem:
            form.add_error("files", held_problem)
        status = 200 if adding and not form.has_errors else 400
        # Keep what passed the checks for the retry, so that nothing has to be chosen and uploaded again.
        new_held = held.hold(form.prepared_files)
        held.release(dropped)
        kept += new_held
        context.update(
            held_files=list(enumerate(kept)),
            held_token=held.make_token(submission_key=key, held=kept),
            files_lost=bool(request.FILES) and not new_held,
        )
    else:
        form = TipForm(ward=source.ward)
        if request.method == "GET" and not visits.is_prefetch(request):
            visits.record_visit(source)  # what brought people to the form (tips.visits)
    context["form"] = form
    return remember_device(request, render(request, "tips/public/intake.html", context, status=status))


@require_http_methods(["GET", "HEAD"])
def receipt(request, receipt_code: str):
    """The receipt: the code, the status link and its QR code, a PNG to keep. Public to whoever holds the code,
    and so it shows nothing of the person or the content (the DNA advice only in the browser that just sent it)."""
    tip = get_object_or_404(Tip.objects.select_related("ward", "source"), receipt_code=receipt_code)
    just_submitted = request.session.get("just_submitted")
    own = just_submitted == tip.receipt_code
    url = receipts.status_url(request, tip)
    # The offer to send the receipt: in the browser that sent the tip only, naming the number masked
    send_to = None
    if access.can_send_receipt(tip, just_submitted=just_submitted):
        send_to = mask(access.receipt_contacts(tip)["sms"])
    return render(
        request,
        "tips/public/receipt.html",
        {
            "tip": tip,
            "ward": tip.ward,
            "needs_phone": bool(tip.status_check),
            "dna_guidance": tip.dna_guidance if own and (tip.dna_offer or tip.relationship) else None,
            "status_url": url,
            "qr_svg": receipts.qr_svg(url),
            "send_to": send_to,
            "sent_to": request.session.pop("receipt_sent_to", None) if own else None,
            "send_error": request.session.pop("receipt_send_error", None) if own else None,
        },
    )


@require_http_methods(["POST"])
def receipt_send(request, receipt_code: str):
    """The person who has just sent a tip asks for its receipt by SMS/Zalo (``tip_receipt_send``: only from
    that browser, to the number they gave, with their consent; rate-limited). Back to the receipt page, which
    says where it goes or why not."""
    tip = get_object_or_404(Tip.objects.select_related("ward"), receipt_code=receipt_code)
    if not allow_receipt_send(request, tip.receipt_code):
        request.session["receipt_send_error"] = RECEIPT_RATE_MESSAGE
        return redirect("public:receipt", tip.receipt_code)
    try:
        request.session["receipt_sent_to"] = tip_receipt_send(
            tip=tip,
            url=receipts.status_url(request, tip),
            channel_name=request.POST.get("channel", ""),
            just_submitted=request.session.get("just_submitted"),
            consent=request.POST.get("consent") == "on",
        )
    except WorkflowError as exc:
        request.session["receipt_send_error"] = str(exc)
    return redirect("public:receipt", tip.receipt_code)


@require_http_methods(["GET", "HEAD"])
def receipt_pdf(request, receipt_code: str):
    """The receipt as an A4 PDF, to keep or print (the same picture as the PNG: nothing personal)."""
    tip = get_object_or_404(Tip.objects.select_related("ward"), receipt_code=receipt_code)
    response = HttpResponse(
        receipts.receipt_pdf(tip, receipts.status_url(request, tip)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="bien-nhan-{tip.receipt_code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD"])
def receipt_image(request, receipt_code: str):
    """The receipt as a PNG image, to keep in the phone's photos."""
    tip = get_object_or_404(Tip.objects.select_related("ward"), receipt_code=receipt_code)
    response = HttpResponse(
        receipts.receipt_png(tip, receipts.status_url(request, tip)), content_type="image/png"
    )
    response["Content-Disposition"] = f'attachment; filename="bien-nhan-{tip.receipt_code}.png"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def status(request):
    tip = None
    not_found = False
    if request.method == "POST":
        form = StatusLookupForm(request.POST)
        if form.is_valid():
            code = form.cleaned_data["receipt_code"]
            if not allow_status_lookup(request):  # its own budget: a guessing surface, not a submission
                form.add_error(None, STATUS_RATE_MESSAGE)
            elif status_code_locked(code):
                form.add_error(None, CODE_LOCKED_MESSAGE)
            else:
                tip = tip_public_status(receipt_code=code, phone_digits=form.cleaned_data["phone_digits"])
                not_found = tip is None
                if not_found:
                    status_failed(code)
    else:
        form = StatusLookupForm(initial={"receipt_code": request.GET.get("ma", "")})
    context = {"form": form, "tip": tip, "not_found": not_found, "ward": tip.ward if tip else None}
    if tip is not None and tip.status_check and not tip.identity_withdrawn:
        context["withdraw_form"] = WithdrawConsentForm(
            initial={"receipt_code": tip.receipt_code, "phone_digits": form.cleaned_data["phone_digits"]}
        )
    return remember_device(request, render(request, "tips/public/status.html", context))


@require_http_methods(["POST"])
def withdraw_consent(request):
    """The reporter withdraws their consent from the status page (receipt code + the phone's last digits)."""
    form = WithdrawConsentForm(request.POST)
    context = {"form": StatusLookupForm(), "withdraw_form": form, "withdrawing": True}
    status = 400
    if form.is_valid():
        code = form.cleaned_data["receipt_code"]
        if not allow_status_lookup(request):  # the same budget as a look-up: the same guessing surface
            form.add_error(None, STATUS_RATE_MESSAGE)
            status = 429
        elif status_code_locked(code):
            form.add_error(None, CODE_LOCKED_MESSAGE)
            status = 429
        else:
            try:
                tip = tip_withdraw_consent(receipt_code=code, phone_digits=form.cleaned_data["phone_digits"])
            except PermissionDenied as refusal:
                status_failed(code)
                form.add_error(None, str(refusal))
                status = 403
            except WorkflowError as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                context.update(tip=tip, ward=tip.ward, withdrawn=True, withdraw_form=None)
                status = 200
    return remember_device(request, render(request, "tips/public/status.html", context, status=status))
