from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from doantu.org.models import OrgUnit, UnitKind
from doantu.tips.models import Source, SourceKind


def home(request):
    """The public front page: where to give information and where to check a receipt."""
    wards = OrgUnit.objects.filter(kind=UnitKind.WARD, active=True)
    entries = []
    for ward in wards:
        source = (
            Source.objects.filter(ward=ward, active=True, kind=SourceKind.PORTAL).first()
            or Source.objects.filter(ward=ward, active=True).first()
        )
        if source:
            entries.append((ward, source))
    if len(entries) == 1 and request.GET.get("chon") is None:
        return redirect(entries[0][1].get_absolute_url())
    return render(request, "web/home.html", {"entries": entries})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def ping(request):
    """A trivial view: the benchmark's reference for what this server does with no work at all."""
    return HttpResponse("ok", content_type="text/plain")
