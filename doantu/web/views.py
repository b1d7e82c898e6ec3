from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from doantu.org.models import OrgUnit, UnitKind
from doantu.tips.models import Source, SourceKind
from doantu.web.health import run_checks


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


@never_cache
def healthz(request):
    """200 with each check's result when all pass; 503 naming the failing ones otherwise (see web/health.py)."""
    healthy, checks = run_checks()
    body = {"status": "ok" if healthy else "failing", "checks": checks}
    if not healthy:
        body["failing"] = [name for name, result in checks.items() if result.startswith("failing")]
    return JsonResponse(body, status=200 if healthy else 503)


def ping(request):
    """A trivial view: the benchmark's reference for what this server does with no work at all."""
    return HttpResponse("ok", content_type="text/plain")
