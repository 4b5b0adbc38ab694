"""`hito serve` and `hito demo` on an address they cannot listen on: said first, exit 2."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_helpers import hito_here


@pytest.fixture
def taken() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_serve_on_a_port_another_program_listens_on(
    taken: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("HITO_DATABASE_URL", f"sqlite:///{tmp_path / 'h.sqlite3'}")
    code, _out, err = hito_here(monkeypatch, capsys, "serve", "--port", str(taken))
    assert code == 2
    assert err == (
        f"error: --port {taken}: otro programa escucha en 127.0.0.1:{taken}; se esperaba un "
        "puerto libre (o detenga ese programa)\n"
    )
    assert not (tmp_path / "h.sqlite3").exists()  # said before the database is touched


def test_the_demo_says_the_port_is_taken_before_seeding_and_forecasting(
    taken: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("HITO_LANG", "en")
    out = tmp_path / "demo"
    code, printed, err = hito_here(
        monkeypatch, capsys, "demo", "--port", str(taken), "--out", str(out)
    )
    assert code == 2 and printed == ""
    assert err == (
        f"error: --port {taken}: another program listens on 127.0.0.1:{taken}; expected a free "
        "port (or stop that program)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("host", "said"),
    [
        (
            "no-such-host.invalid",
            "error: --host 'no-such-host.invalid': no existe esa dirección; se esperaba una "
            "dirección de esta máquina, como 127.0.0.1 o 0.0.0.0\n",
        ),
        (
            "192.0.2.1",  # TEST-NET-1 (RFC 5737): never an address of this machine
            "error: --host 192.0.2.1 --port 8000: no se puede escuchar ahí (no es una dirección "
            "de esta máquina)\n",
        ),
    ],
)
def test_serve_on_an_address_that_is_not_this_machines(
    host: str,
    said: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setenv("HITO_DATABASE_URL", f"sqlite:///{tmp_path / 'h.sqlite3'}")
    code, _out, err = hito_here(monkeypatch, capsys, "serve", "--host", host)
    assert (code, err) == (2, said)
