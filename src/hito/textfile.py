"""A user's file read as bytes or as UTF-8 text, or one located line saying why it cannot be."""

from __future__ import annotations

from pathlib import Path

from hito.errors import HitoError, InputError, Problem, Said, os_reason

TEXT_FILE = Problem("a text file in UTF-8 (an editor saves one as UTF-8)")


def read_bytes(path: Path, error: type[HitoError] = InputError) -> bytes:
    """The file's bytes; `error` names the file and why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise error(
            Problem("%(path)s: cannot read the file (%(reason)s)", path=path, reason=os_reason(exc))
        ) from None


def decode_utf8(
    data: bytes, name: Said, expected: Said = TEXT_FILE, error: type[HitoError] = InputError
) -> str:
    """UTF-8 text (a byte order mark dropped); `error` names the line of a byte that is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            Problem(
                "%(name)s:%(line)s: byte %(start)s is not UTF-8 text; expected %(expected)s",
                name=name,
                line=data[: exc.start].count(b"\n") + 1,
                start=exc.start,
                expected=expected,
            )
        ) from None


def read_utf8(path: Path, error: type[HitoError] = InputError) -> str:
    """The file's text; `error` names the file (and the line of a byte that is not UTF-8)."""
    return decode_utf8(read_bytes(path, error), str(path), TEXT_FILE, error)
