"""A per-address limit on public submissions, shared by the web form and the API, in the configured cache
(Redis when REDIS_URL is set, so every worker process counts together)."""

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    proxies = settings.NINJA_NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def allow_submission(request) -> bool:
    limit = settings.TIP_RATE_PER_HOUR
    if not limit:
        return True
    key = f"tip-rate:{client_address(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= limit


RATE_MESSAGE = (
    "Bạn đã gửi quá nhiều lần trong một giờ. Vui lòng thử lại sau hoặc liên hệ trực tiếp UBND phường."
)
