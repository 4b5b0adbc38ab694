"""A command's output set: all of it in place, or none of it, and a write's error names its file."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from cli_helpers import hito_here
from hito.cli.outfiles import output_set


def _full_disk_at(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Writing the file `name` fails as on a full disk: an OSError that names no file."""
    write = Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:
        if self.name.startswith(f".{name}."):
            raise OSError(errno.ENOSPC, "No space left on device")
        return write(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_full_disk_midway_leaves_the_earlier_run_whole_and_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The new tables were left beside the old report, and the error was a traceback."""
    out = tmp_path / "out"
    monkeypatch.setenv("HITO_LANG", "en")
    args = ["run", "tacna-arica-2025", "--runs", "3", "--days", "5", "--out", str(out)]
    code, _, err = hito_here(monkeypatch, capsys, *args, "--seed", "1")
    assert code == 0, err
    before = _files(out)
    _full_disk_at(monkeypatch, "report.html")
    code, _, err = hito_here(monkeypatch, capsys, *args, "--seed", "2")
    assert code == 1
    assert err.splitlines()[-1] == f"error: {out / 'report.html'}: no space left on the disk"
    assert _files(out) == before  # the seed-1 set, whole; no temporary file left


def test_files_dropped_go_only_when_the_set_is_in_place(tmp_path: Path) -> None:
    (tmp_path / "posterior.npz").write_bytes(b"old")
    with pytest.raises(RuntimeError), output_set(tmp_path) as files:
        files.drop("posterior.npz")
        files.write_bytes("report.html", b"new")
        raise RuntimeError("the render failed")
    assert _files(tmp_path) == {"posterior.npz": b"old"}
    with output_set(tmp_path) as files:
        files.drop("posterior.npz")
        files.write_bytes("report.html", b"new")
    assert _files(tmp_path) == {"report.html": b"new"}
