import ipaddress

from django.http import HttpRequest

from liaison_stations.ratelimit import client_ip


def axes_client_ip(request: HttpRequest) -> str | None:
    """The proxy-aware client address the public forms' rate limit uses, or None when there is none.

    The rate limit counts a missing address as "unknown", but axes stores the address in an ``inet`` column
    on PostgreSQL, which refuses that word (and the whole login with it).
    """
    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address
