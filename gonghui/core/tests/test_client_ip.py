"""The client's address: REMOTE_ADDR, or the forwarded-for entry a trusted proxy added."""

import pytest
from django.test import RequestFactory

from gonghui.core.ratelimit import over_limit
from gonghui.core.views import client_ip

PROXY = "10.9.0.1"


def ip_of(forwarded: str | None, remote: str = PROXY) -> str | None:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_a_forged_header_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert ip_of("1.2.3.4") == PROXY


def test_a_trusted_proxy_names_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.9.0.0/16", "2001:db8::/32"]
    assert ip_of("223.88.1.7") == "223.88.1.7"
    assert ip_of(None) == PROXY
    # Right to left, past every trusted proxy; what the client wrote before it is ignored.
    assert ip_of("1.2.3.4, 223.88.1.7, 10.9.3.3") == "223.88.1.7"
    assert ip_of(" 2001:db8::9 , 2409:8a00::1", remote="2001:db8::1") == "2409:8a00::1"
    # Garbage ends the walk at the last proxy reached, never at what lies beyond it.
    assert ip_of("223.88.1.7, not-an-address, 10.9.3.3") == "10.9.3.3"
    # A request that did not come from a trusted proxy is its own client.
    assert ip_of("223.88.1.7", remote="223.88.1.9") == "223.88.1.9"


def test_the_public_rate_limit_counts_each_client_behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.PUBLIC_RATE = "2/d"
    factory = RequestFactory()

    def ask(client: str) -> int:
        request = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client)
        return over_limit(request, "test-client-ip")

    assert [ask("223.88.1.7") for _ in range(3)][-1] > 0
    assert ask("223.88.1.8") == 0


def test_a_malformed_setting_names_itself(settings):
    settings.TRUSTED_PROXIES = ["10.9.0.0/33"]
    with pytest.raises(Exception, match="GONGHUI_TRUSTED_PROXIES"):
        ip_of("1.2.3.4")
