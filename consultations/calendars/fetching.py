"""Reading a clinician's calendar from its secret address, without ever reaching the practice's own network.

Only ``https`` addresses of hosts whose every address is public are read. The host is resolved
once, checked, and the connection goes to that checked address (so a second, different DNS answer
can't slip in), with the certificate still verified against the host's name. Redirects are followed
a few times, each one checked the same way; the body is read up to a size limit and within a
time limit. ``CALENDAR_FETCH_ALLOW_LOOPBACK`` lets an address typed in for this machine
(``http://127.0.0.1``) through, for trying things locally; a redirect never leads there.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 3
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK_BYTES = 64 * 1024


class CalendarFetchError(Exception):
    """A calendar could not be read; the message is shown to staff in the admin, so it never holds the address."""


def _is_loopback(address):
    return address.is_loopback or (
        isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped and address.ipv4_mapped.is_loopback
    )


def _checked_address(host, port, *, allow_loopback):
    """The one address to connect to for this host, refusing any host that resolves to a non-public address."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise CalendarFetchError(f"The calendar's host name ({host}) could not be found.") from error
    addresses = [ipaddress.ip_address(answer[4][0].split("%", 1)[0]) for answer in answers]
    if not addresses:
        raise CalendarFetchError(f"The calendar's host name ({host}) could not be found.")
    for address in addresses:
        if allow_loopback and _is_loopback(address):
            continue
        if not address.is_global or address.is_multicast:
            raise CalendarFetchError(
                f"The calendar's address leads to a private or local network ({address}), which is never read."
            )
    return str(addresses[0])


def _refuse_private_literal(host):
    """Name the real problem when an address is written as a private or local IP address."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if not address.is_global:
        raise CalendarFetchError(
            f"The calendar's address leads to a private or local network ({address}), which is never read."
        )


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to an address checked beforehand, verifying the certificate for the host's name."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def _open(url, *, allow_loopback, timeout):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in ("https", "http") or not host:
        raise CalendarFetchError("The calendar's address must start with https://.")
    if scheme == "http" and not allow_loopback:
        _refuse_private_literal(host)
        raise CalendarFetchError("The calendar's address must start with https://, not http://.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise CalendarFetchError("The calendar's address has an impossible port.") from error
    address = _checked_address(host, port, allow_loopback=allow_loopback)
    if scheme == "http" and not (allow_loopback and _is_loopback(ipaddress.ip_address(address))):
        raise CalendarFetchError("The calendar's address must start with https://, not http://.")
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address=address, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request(
            "GET", path, headers={"Accept": "text/calendar, */*;q=0.5", "User-Agent": "Thrive calendar reader"}
        )
        return connection, connection.getresponse()
    except TimeoutError as error:
        connection.close()
        raise CalendarFetchError("The calendar did not answer in time.") from error
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        raise CalendarFetchError(f"The calendar could not be reached ({error.__class__.__name__}).") from error


def calendar_fetch(url, *, allow_loopback=None, timeout=None, max_bytes=None):
    """The body of the calendar at this address, or CalendarFetchError saying in plain words why not."""
    allow_loopback = settings.CALENDAR_FETCH_ALLOW_LOOPBACK if allow_loopback is None else allow_loopback
    timeout = timeout or settings.CALENDAR_FETCH_TIMEOUT_SECONDS
    max_bytes = max_bytes or settings.CALENDAR_FETCH_MAX_BYTES
    deadline = time.monotonic() + timeout
    for redirects in range(MAX_REDIRECTS + 1):
        connection, response = _open(url, allow_loopback=allow_loopback, timeout=timeout)
        try:
            if response.status in REDIRECT_STATUSES:
                location = response.getheader("Location")
                if not location or redirects == MAX_REDIRECTS:
                    raise CalendarFetchError("The calendar's address redirects too many times.")
                url = urljoin(url, location)
                # Whoever answers may send us anywhere: a redirect never leads to this machine.
                allow_loopback = False
                continue
            if response.status != 200:
                raise CalendarFetchError(f"The calendar's server answered {response.status} {response.reason}.")
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise CalendarFetchError(f"The calendar is larger than {max_bytes // (1024 * 1024)} MB.")
            body = bytearray()
            while chunk := response.read1(CHUNK_BYTES):
                body += chunk
                if len(body) > max_bytes:
                    raise CalendarFetchError(f"The calendar is larger than {max_bytes // (1024 * 1024)} MB.")
                if time.monotonic() > deadline:
                    raise CalendarFetchError("The calendar did not answer in time.")
            return bytes(body)
        except TimeoutError as error:
            raise CalendarFetchError("The calendar did not answer in time.") from error
        except (OSError, http.client.HTTPException) as error:
            raise CalendarFetchError(f"The calendar could not be read ({error.__class__.__name__}).") from error
        finally:
            connection.close()
    raise CalendarFetchError("The calendar's address redirects too many times.")
