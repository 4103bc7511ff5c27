"""FAULTS 26: the websocket handshake's Origin is compared by scheme, host and port.

Allowed: the site's own pages (a host in ALLOWED_HOSTS on the scheme and port the client connected
to) and the full origins in CSRF_TRUSTED_ORIGINS. The real-server case is in
tests/integration/test_daphne_sockets.py.
"""

import pytest
from asgiref.sync import sync_to_async

from accounts.ws import origin_allowed
from testkit.sessions import session_cookie
from tests.messaging.support import communicator, connect


def scope(origin, host="127.0.0.1:8000", scheme="ws", extra=()):
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    headers.extend(extra)
    return {"type": "websocket", "scheme": scheme, "headers": headers}


@pytest.fixture
def hosts(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", ".trellis.example.org"]
    settings.CSRF_TRUSTED_ORIGINS = []
    return settings


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "HTTP://LOCALHOST:8000",
    ],
)
def test_the_sites_own_scheme_and_port_on_an_allowed_host_is_allowed(hosts, origin):
    assert origin_allowed(scope(origin)) is True


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:8001",  # another port of an allowed host (another local app)
        "http://127.0.0.1",  # port 80
        "https://127.0.0.1:8000",  # another scheme
        "http://evil.example:8000",
        "http://127.0.0.1.evil.example:8000",
        "null",
        "",
        "http://127.0.0.1:8000/path",
        "http://user@127.0.0.1:8000",
        "http://127.0.0.1:99999",
        "file://127.0.0.1:8000",
        None,
    ],
)
def test_any_other_origin_is_refused(hosts, origin):
    assert origin_allowed(scope(origin)) is False


def test_two_origin_headers_are_refused(hosts):
    doubled = scope("http://127.0.0.1:8000", extra=[(b"origin", b"http://evil.example")])
    assert origin_allowed(doubled) is False


def test_default_ports_are_the_same_as_explicit_ones(hosts):
    assert origin_allowed(scope("http://localhost", host="localhost")) is True
    assert origin_allowed(scope("http://localhost:80", host="localhost")) is True
    assert origin_allowed(scope("https://localhost", host="localhost", scheme="wss")) is True
    assert origin_allowed(scope("http://localhost", host="localhost", scheme="wss")) is False


def test_behind_a_tls_proxy_the_forwarded_scheme_counts(hosts):
    hosts.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = [(b"x-forwarded-proto", b"https")]
    host = "app.trellis.example.org"
    assert origin_allowed(scope(f"https://{host}", host=host, extra=proxied)) is True
    assert origin_allowed(scope(f"http://{host}", host=host, extra=proxied)) is False
    assert origin_allowed(scope(f"https://{host}", host=host)) is False


def test_csrf_trusted_origins_are_allowed_exactly(hosts):
    hosts.CSRF_TRUSTED_ORIGINS = ["https://trellis.example.org", "https://*.district.example"]
    assert origin_allowed(scope("https://trellis.example.org")) is True
    assert origin_allowed(scope("https://trellis.example.org:443")) is True
    assert origin_allowed(scope("https://app.district.example")) is True
    assert origin_allowed(scope("https://trellis.example.org:8443")) is False
    assert origin_allowed(scope("http://trellis.example.org")) is False
    assert origin_allowed(scope("https://district.example.evil")) is False
    assert origin_allowed(scope("https://evildistrict.example")) is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_limits")
async def test_the_real_application_refuses_another_port_with_a_valid_cookie(student):
    cookie = await sync_to_async(session_cookie)(student)
    for origin in ("http://testserver:8000", "https://testserver"):
        connected, _ = await communicator(cookie, origin=origin).connect(timeout=5)
        assert connected is False, origin
    sock = await connect(cookie)  # http://testserver, the site itself
    await sock.close()
