"""Rate limits for public forms: a fixed window per client address in the shared cache."""

from django.conf import settings
from django.core.cache import cache


def client_address(request):
    """The visitor's address; behind BEHIND_TLS_PROXY the one the proxy put last in
    X-Forwarded-For (the proxy appends what it saw, so earlier entries can be forged)."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def allow(action, client, limit, period=60 * 60):
    """Count one use of action by client; False once it was used more than limit times
    in the current window of period seconds."""
    key = f"ratelimit:{action}:{client}"
    # add() starts the window only if none is running.
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window expired between add() and incr().
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit
