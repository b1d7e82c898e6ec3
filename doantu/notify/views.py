"""Staff pages: my notifications (mark as read), and how I receive them. A user only ever reaches their own."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from doantu.tips import access
from doantu.tips.services import WorkflowError
from doantu.tips.views_staff import staff_required

from . import services
from .models import Mode, Notification


@staff_required
def notification_list(request):
    user = request.user
    qs = Notification.objects.filter(recipient=user).select_related("tip")
    unread_only = request.GET.get("chua-doc") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    items = list(page.object_list)
    # Written for this user at the time; shown only while they may still see the tip.
    views = access.views_for(user, [n.tip for n in items if n.tip_id])
    for n in items:
        n.visible = not n.tip_id or bool(views[n.tip_id].classes)
    return render(
        request,
        "notify/list.html",
        {"page": page, "items": items, "unread_only": unread_only, "pref": services.preference_of(user)},
    )


@staff_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification, actor=request.user)
    if request.POST.get("open") and (notification.tip_id or notification.link):
        return redirect(notification.get_absolute_url())
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("notify:list")


@staff_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return redirect("notify:list")


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(label="Thư điện tử", choices=Mode.choices, widget=forms.RadioSelect)
    sms = forms.ChoiceField(label="Tin nhắn SMS/Zalo", choices=Mode.choices, widget=forms.RadioSelect)


@staff_required
def preference(request):
    user = request.user
    pref = services.preference_of(user)
    form = PreferenceForm(request.POST or None, initial={"email": pref.email, "sms": pref.sms})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.preference_save(actor=user, **form.cleaned_data)
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Đã lưu cách nhận thông báo.")
                return redirect("notify:preference")
        status = 400
    else:
        status = 200
    return render(request, "notify/preference.html", {"form": form, "pref": pref}, status=status)
