"""Where a request came from, for per-visitor limits."""

from django.conf import settings


def client_address(request):
    """The visitor's IP address: REMOTE_ADDR, or the hop our own proxies added to X-Forwarded-For.

    With ``TRUSTED_PROXY_COUNT = n`` (n proxies of ours in front of Django), the address the
    nearest untrusted hop reported is the n-th from the right of X-Forwarded-For. Anything
    further left was written by the client and can be forged, so it is never used.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted <= 0:
        return remote_addr
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted:
        # Fewer hops than proxies: the request did not come through them all; trust only the socket.
        return remote_addr
    return hops[-trusted]
