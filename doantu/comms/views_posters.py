"""Staff pages for posters and for what each piece brought in: choose sources and a size, wait for the PDF,
download it; give a content item its own QR code; the per-item, per-channel and per-source ranking."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from doantu.org.models import OrgUnit, UnitKind
from doantu.tips.views_staff import staff_required

from . import access, brought, poster_batches, posters


def _ward(user) -> OrgUnit | None:
    ward = user.ward
    if ward is None and user.is_admin:
        ward = OrgUnit.objects.filter(kind=UnitKind.WARD, active=True).order_by("code").first()
    return ward


@staff_required
def poster_batch(request):
    """The ward's active sources (those the user may print) with a tick each, and the size; POST queues the PDF."""
    ward = _ward(request.user)
    sources = posters.printable_sources(request.user, ward)
    if not sources:
        raise PermissionDenied("Bạn không có mã QR nào để in áp phích.")
    error = ""
    # every source ticked, or those named in the address (?source=12, from a source's QR page)
    chosen = set(request.GET.getlist("source")) or {str(s.pk) for s in sources}
    size = "a4"
    if request.method == "POST":
        chosen = set(request.POST.getlist("source"))
        size = request.POST.get("size", "")
        try:
            ids = [int(i) for i in chosen]
        except ValueError:
            ids = []
        try:
            token = poster_batches.poster_batch_start(
                actor=request.user, ward=ward, source_ids=ids, size=size
            )
        except poster_batches.PosterBatchError as exc:
            error = str(exc)
        else:
            return redirect("comms_posters:batch", token=token)
    return render(
        request,
        "comms/posters/batch.html",
        {
            "ward": ward,
            "sources": sources,
            "chosen": chosen,
            "sizes": posters.SIZES,
            "size": size,
            "error": error,
            "base": posters.public_base_url(),
        },
        status=400 if error else 200,
    )


@staff_required
@require_safe
def poster_batch_status(request, token: str):
    """Waits for the worker (refreshes itself every 3 s, no JavaScript needed), then offers the PDF."""
    job = poster_batches.read_job(request.user, token)
    response = render(
        request,
        "comms/posters/batch_status.html",
        {"job": job, "token": token, "size_label": posters.SIZES.get(job["size"], job["size"])},
    )
    if job["state"] == poster_batches.PENDING:
        response["Refresh"] = "3"
    return response


@staff_required
@require_safe
def poster_batch_pdf(request, token: str):
    job = poster_batches.read_job(request.user, token)
    response = HttpResponse(poster_batches.batch_pdf(request.user, token), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ap-phich-qr-{job["size"]}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_POST
def item_source(request, pk: int):
    """Give a content item its own QR code (a new tips source)."""
    item = get_object_or_404(access.items_visible_to(request.user), pk=pk)
    try:
        source = brought.item_source_create(actor=request.user, item=item)
    except brought.BroughtError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã tạo mã QR riêng: {posters.short_address(posters.source_url(source))}")
    back = request.POST.get("next", "")
    if back.startswith("/staff/") and "//" not in back:
        return redirect(back)
    return redirect(reverse("comms_posters:ranking"))


@staff_required
@require_safe
def ranking(request):
    """Which piece brought information: items, channels and sources of the ward, best first."""
    ward = access.ward_of(request.user) or _ward(request.user)
    if ward is None or not access.can_view_ward(request.user, ward):
        raise PermissionDenied
    return render(
        request,
        "comms/posters/ranking.html",
        {
            "ward": ward,
            "items": brought.item_ranking(request.user, ward=ward, limit=None),
            "channels": brought.channel_ranking(request.user, ward=ward),
            "sources": brought.source_ranking(request.user, ward=ward),
            "to_tag": brought.items_to_tag(request.user, ward=ward),
            "with_dna": brought.tips_access.may_filter_relative(request.user),
        },
    )


@staff_required
@require_POST
def item_public(request, pk: int):
    """Show or hide a published item on the public campaign page."""
    from . import public

    item = get_object_or_404(access.items_visible_to(request.user), pk=pk)
    show = request.POST.get("public") == "1"
    public.item_set_public(actor=request.user, item=item, public=show)
    messages.success(
        request, "Đã hiện trên trang chiến dịch." if show else "Đã thôi hiện trên trang chiến dịch."
    )
    back = request.POST.get("next", "")
    if back.startswith("/staff/") and "//" not in back:
        return redirect(back)
    return redirect(reverse("comms_posters:ranking"))
