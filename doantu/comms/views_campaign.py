"""The public campaign page: the same for everyone, cached (see ``comms.public``), no JavaScript, no cookie."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from . import public


def _cached(html: str) -> HttpResponse:
    response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=public.CACHE_SECONDS)
    return response


@require_safe
def campaign(request, ward_code: str | None = None):
    """``/chien-dich/``: the only ward's page, or the list of wards when several use this server."""
    wards = public.campaign_wards()
    if ward_code is not None:
        return _cached(public.page_html(get_object_or_404(wards, code=ward_code)))
    found = list(wards[:2])
    if len(found) == 1:
        return _cached(public.page_html(found[0]))
    return _cached(render_to_string("comms/public/wards.html", {"wards": wards}))
