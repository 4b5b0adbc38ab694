"""A user's text file read as UTF-8, or one located line saying why it cannot be."""

from __future__ import annotations

from pathlib import Path

from hito.errors import HitoError, InputError, Problem, os_reason


def read_utf8(path: Path, error: type[HitoError] = InputError) -> str:
    """The file's text; `error` names the file (and the line of a byte that is not UTF-8)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(
            Problem("%(path)s: cannot read the file (%(reason)s)", path=path, reason=os_reason(exc))
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            Problem(
                "%(path)s:%(line)s: byte %(start)s is not UTF-8 text; expected a text file in "
                "UTF-8 (an editor saves one as UTF-8)",
                path=path,
                line=data[: exc.start].count(b"\n") + 1,
                start=exc.start,
            )
        ) from None
