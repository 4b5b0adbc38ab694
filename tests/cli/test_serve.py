"""`hito serve`: the warning for a server others reach by an address it would refuse."""

from __future__ import annotations

import pytest

from hito.cli.serve import host_warning
from hito.store.settings import Settings


def _conf(hosts: list[str], public_url: str = "http://127.0.0.1:8000") -> Settings:
    return Settings(database_url="sqlite://", allowed_hosts=hosts, public_url=public_url)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_a_server_on_this_machine_only_is_not_warned(host: str) -> None:
    assert host_warning(host, _conf(["127.0.0.1", "localhost"])) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_every_interface_with_only_loopback_names_allowed_is_warned(host: str) -> None:
    warning = host_warning(host, _conf(["127.0.0.1", "localhost"]))
    assert warning is not None and "HITO_ALLOWED_HOSTS" in warning


def test_every_interface_with_a_lan_name_allowed_is_not_warned() -> None:
    assert host_warning("0.0.0.0", _conf(["127.0.0.1", "192.168.1.20"])) is None
    assert host_warning("0.0.0.0", _conf(["127.0.0.1"], "https://hito.example.org")) is None
    assert host_warning("0.0.0.0", _conf(["*"])) is None


def test_a_lan_address_not_allowed_is_warned_and_allowed_is_not() -> None:
    assert host_warning("192.168.1.20", _conf(["127.0.0.1", "localhost"])) is not None
    assert host_warning("192.168.1.20", _conf(["192.168.1.20"])) is None


def test_the_warning_is_said_in_spanish_and_english() -> None:
    from hito import i18n

    warning = host_warning("0.0.0.0", _conf(["127.0.0.1", "localhost"]))
    assert warning is not None
    values = {"host": "0.0.0.0", "hosts": "127.0.0.1, localhost"}
    es = i18n.gettext("es", warning) % values
    assert es.startswith("advertencia: escucha en 0.0.0.0, pero el servicio solo responde a ")
    assert i18n.gettext("en", warning) % values == warning % values
