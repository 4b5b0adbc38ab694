"""Webhook addresses: a subscriber cannot make the server post into its own network (SSRF)."""

from __future__ import annotations

import re
import socket

import pytest

from hito import notify
from hito.notify import DeliveryError, Message, webhook_addresses

TAIL = (
    " is not a public address: webhooks go to public addresses only "
    "(HITO_WEBHOOK_ALLOW_PRIVATE=true allows the local network)"
)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://127.0.0.1:5432/", "127.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://10.0.0.5/hook", "10.0.0.5"),
        ("http://192.168.1.1/", "192.168.1.1"),
        ("http://172.16.0.1/", "172.16.0.1"),
        ("http://100.64.0.1/", "100.64.0.1"),
        ("http://0.0.0.0:8000/", "0.0.0.0"),
        ("http://[::1]:8000/", "::1"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1"),
        ("http://[fd00::1]/", "fd00::1"),
        ("http://224.0.0.1/", "224.0.0.1"),
        ("http://[64:ff9b::a9fe:a9fe]/", "64:ff9b::a9fe:a9fe"),  # NAT64 to the metadata service
        ("http://[64:ff9b:1::7f00:1]/", "64:ff9b:1::7f00:1"),
        ("http://[2002:7f00:1::]/", "2002:7f00:1::"),  # 6to4 of 127.0.0.1
        ("http://[::7f00:1]/", "::7f00:1"),  # IPv4-compatible
        ("http://[::ffff:0:7f00:1]/", "::ffff:0:7f00:1"),  # IPv4-translated
        ("http://[fec0::1]/", "fec0::1"),  # site-local
        ("http://198.18.0.1/", "198.18.0.1"),
        ("http://192.0.0.9/", "192.0.0.9"),
        ("http://2130706433/", "2130706433 resolves to 127.0.0.1, which"),  # one number
        ("http://0x7f.1/", "0x7f.1 resolves to 127.0.0.1, which"),
    ],
)
def test_ssrf_webhook_to_a_loopback_private_or_metadata_address_is_refused(
    url: str, shown: str
) -> None:
    with pytest.raises(DeliveryError) as got:
        webhook_addresses(url)
    assert str(got.value) == f"{url}: {shown}{TAIL}"


def test_ssrf_webhook_to_localhost_is_refused() -> None:
    with pytest.raises(DeliveryError) as got:
        webhook_addresses("http://localhost/hook")
    assert re.fullmatch(
        r"http://localhost/hook: localhost resolves to (127\.0\.0\.1|::1), which" + re.escape(TAIL),
        str(got.value),
    )


def test_ssrf_webhook_with_another_scheme_is_refused() -> None:
    with pytest.raises(DeliveryError) as got:
        webhook_addresses("file:///etc/passwd")
    assert str(got.value) == "file:///etc/passwd: not an http(s) URL"


def test_ssrf_a_name_that_resolves_to_a_public_and_a_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One private address among the answers is enough to refuse (DNS round-robin tricks)."""

    def resolve(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        assert (host, port) == ("hooks.example.org", 443)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 443)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(DeliveryError) as got:
        webhook_addresses("https://hooks.example.org/in")
    assert str(got.value).startswith(
        "https://hooks.example.org/in: hooks.example.org resolves to 10.1.2.3, which is not a "
        "public address"
    )


def test_a_public_webhook_is_posted_to_the_address_checked_not_resolved_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the request goes to the checked address, with the URL's Host and TLS name."""
    import httpx

    answers = iter(["93.184.216.34", "127.0.0.1"])  # a second lookup would be rebound

    def resolve(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    sent: list[httpx.Request] = []

    def post(self, url, *, content, headers, extensions):  # noqa: ANN001, ANN202
        sent.append(httpx.Request("POST", url, content=content, headers=headers))
        assert extensions == {"sni_hostname": "hooks.example.org"}
        return httpx.Response(204)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(httpx.Client, "post", post)
    msg = Message("msg_1", "s", "t", {"a": 1})
    notify.send_webhook("https://hooks.example.org:8443/in?x=1", "whsec_" + "A" * 44, msg)
    (req,) = sent
    assert str(req.url) == "https://93.184.216.34:8443/in?x=1"
    assert req.headers["host"] == "hooks.example.org:8443"


def test_a_local_receiver_is_allowed_when_the_deployment_says_so() -> None:
    assert webhook_addresses("http://127.0.0.1:9/hook", allow_private=True) == ["127.0.0.1"]


def test_a_signature_with_non_ascii_characters_is_a_bad_signature_not_a_type_error() -> None:
    secret = "whsec_" + "A" * 44
    h = {"webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": "v1,ñ"}
    with pytest.raises(ValueError, match="^no valid v1 signature$"):
        notify.verify(secret, h, b"{}", now=1700000000)


def test_a_webhook_tries_each_checked_address_until_one_connects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name with an IPv6 address the worker cannot reach still gets its IPv4 one."""
    import httpx

    def resolve(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:2800:220:1::1", port, 0, 0)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
        ]

    tried: list[str] = []

    def post(self, url, *, content, headers, extensions):  # noqa: ANN001, ANN202
        tried.append(str(url))
        if "[" in str(url):
            raise httpx.ConnectError("network is unreachable")
        return httpx.Response(204)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(httpx.Client, "post", post)
    notify.send_webhook(
        "https://hooks.example.org/in", "whsec_" + "A" * 44, Message("m", "s", "t", {})
    )
    assert tried == ["https://[2606:2800:220:1::1]/in", "https://93.184.216.34/in"]


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "64:ff9b::5db8:d822"])
def test_a_public_address_and_nat64_of_a_public_one_are_allowed(address: str) -> None:
    url = f"http://[{address}]/in" if ":" in address else f"http://{address}/in"
    assert webhook_addresses(url) == [address]
