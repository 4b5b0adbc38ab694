"""Options the commands share: their help, and one message for each kind of mistake."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from hito.domain import FIRST_DAY, LAST_DAY
from hito.errors import N_, InputError, Number, Problem, not_one_of, os_reason
from hito.hxl_cells import day_month_year

# the most runs one command makes (a sweep: options x runs), and particles of a calibration:
# a forecast's bands settle with a few thousand; beyond these, memory and hours run out first
MOST_RUNS = 100_000
MOST_PARTICLES = 100_000

# where the runs of an ensemble execute (hito run, sweep, calibrate, backtest, plans compare, flee)
ExecutorOpt = Annotated[str, typer.Option(help="where runs execute: local (processes) or dask")]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster)"),
]
WorkersOpt = Annotated[
    int | None, typer.Option(help="processes (local) or LocalCluster workers (default: cores)")
]


def date_option(text: str | None, option: str, example: dt.date | None = None) -> dt.date | None:
    """The date of an option given as YYYY-MM-DD (None when not given); InputError otherwise."""
    if text is None:
        return None
    day = _iso_day(text, option, example)
    if not FIRST_DAY <= day <= LAST_DAY:  # a year such as 9999 overflows the dates after it
        raise InputError(
            Problem(
                "%(option)s: got %(text)s, expected a date from %(first)s to %(last)s",
                option=option,
                text=repr(text),
                first=FIRST_DAY,
                last=LAST_DAY,
            )
        )
    return day


def _iso_day(text: str, option: str, example: dt.date | None) -> dt.date:
    """The calendar day written YYYY-MM-DD; InputError saying what else the text is."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # the form, of no calendar day
        raise InputError(
            Problem(
                "%(option)s: got %(text)s, expected a date as YYYY-MM-DD that exists",
                option=option,
                text=repr(text),
            )
        )
    if (iso := day_month_year(text)) is not None:  # as a spreadsheet in Spanish writes it
        raise InputError(
            Problem(
                "%(option)s: got %(text)s, expected a date as YYYY-MM-DD (%(iso)s, if it is "
                "day/month/year)",
                option=option,
                text=repr(text),
                iso=iso,
            )
        )
    message = (
        N_("%(option)s: got %(text)s, expected a date as YYYY-MM-DD, such as %(example)s")
        if example
        else N_("%(option)s: got %(text)s, expected a date as YYYY-MM-DD")
    )
    raise InputError(
        Problem(message, option=option, text=repr(text), example=example and example.isoformat())
    )


# a command's --lang when its only words are its console lines and errors (language_option)
ConsoleLangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="language of the console lines and errors: es or en"
        " (default: HITO_LANG, else the locale: English for en_*, else Spanish)",
    ),
]

# the language a command's --lang chose (language_option), in which its errors are said too
_CHOSEN: dict[str, str] = {}


def language_option(lang: str | None, option: str = "--lang") -> str:
    """The language of an option when hito has its catalogue; InputError otherwise.

    Not given: the reader's language, as the help is written in (HITO_LANG, else the locale).
    Given, it is also the language of the command's errors (`command_language`).
    """
    from hito.i18n import LANGUAGES, reader_language

    if lang is None:
        return reader_language()
    if lang not in LANGUAGES:
        raise InputError(not_one_of(option, lang, LANGUAGES))
    _CHOSEN["lang"] = lang
    return lang


def command_language() -> str:
    """A command's language (its lines and errors): its --lang when given, else the reader's."""
    from hito.i18n import reader_language

    return _CHOSEN.get("lang") or reader_language()


def forget_language() -> None:
    """Forget the --lang of an earlier command (a new command in the same process)."""
    _CHOSEN.clear()


def out_folder(out: Path, option: str = "--out") -> Path:
    """An option's output folder, made and tried before the work, so a bad one fails at once."""
    _writable(out, option, out)
    return out


def out_file(path: Path, option: str = "--out") -> Path:
    """An option's output file: not a folder, in a folder hito may make and write in."""
    if path.is_dir():
        raise InputError(
            Problem(
                "%(option)s %(path)s: it is a folder; expected a file name",
                option=option,
                path=str(path),
            )
        )
    _writable(path.parent, option, path)
    return path


def _writable(folder: Path, option: str, shown: Path) -> None:
    """Make the folder and write a file in it, then take both away; InputError if either fails.

    Nothing is left behind: a command refused later for another reason leaves no folder.
    """
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".hito-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        _remove(made)
        raise InputError(
            Problem(
                "%(option)s %(path)s: cannot write there (%(reason)s); expected a folder hito "
                "may make and write in",
                option=option,
                path=str(shown),
                reason=os_reason(exc, writing=True),
            )
        ) from None
    _remove(made)


def _remove(folders: list[Path]) -> None:
    """Remove folders made by `_writable`, deepest first, where still empty."""
    for p in folders:
        with contextlib.suppress(OSError):
            p.rmdir()


def free_address(host: str, port: int) -> None:
    """Check that hito can listen on HOST:PORT before the work; InputError naming what is wrong.

    Another program may take the port between this check and the server's start; this check
    says it plainly in the usual case, before minutes of seeding and forecasting.
    """
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise InputError(
            Problem(
                "--host %(host)s: no such address; expected an address of this machine, such "
                "as 127.0.0.1 or 0.0.0.0",
                host=repr(host),
            )
        ) from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            s.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError(
                    Problem(
                        "--port %(port)s: another program listens on %(host)s:%(port)s; expected "
                        "a free port (or stop that program)",
                        port=port,
                        host=host,
                    )
                ) from None
            raise InputError(
                Problem(
                    "--host %(host)s --port %(port)s: cannot listen there (%(reason)s)",
                    host=host,
                    port=port,
                    reason=_listen_reason(exc),
                )
            ) from None


def _listen_reason(exc: OSError) -> Problem | str:
    """Why a socket could not listen, in the reader's words where the reason is a common one."""
    if exc.errno == errno.EADDRNOTAVAIL:
        return Problem("it is not an address of this machine")
    if exc.errno == errno.EACCES:
        return Problem("not allowed: a port below 1024 needs an administrator")
    return exc.strerror or str(exc)


def particles_option(particles: int) -> int:
    """A calibration's number of particles, from 2 to MOST_PARTICLES; InputError otherwise."""
    if particles < 2:
        raise InputError(
            Problem("--particles: got %(particles)s, expected at least 2", particles=particles)
        )
    if particles > MOST_PARTICLES:
        raise InputError(
            Problem(
                "--particles: got %(particles)s, expected at most %(most)s",
                particles=particles,
                most=Number(MOST_PARTICLES),
            )
        )
    return particles


def runs_within(runs: int, what: Problem | str = "--runs") -> None:
    """Refuse no runs, or more than one command makes (MOST_RUNS), naming what asked for them."""
    if runs < 1:
        raise InputError(
            Problem("--runs: got %(runs)s, expected a whole number of at least 1", runs=runs)
        )
    if runs > MOST_RUNS:
        raise InputError(
            Problem(
                "%(what)s: %(runs)s runs, expected at most %(most)s",
                what=what,
                runs=runs,
                most=Number(MOST_RUNS),
            )
        )


def executor_options(executor: str, scheduler: str | None, workers: int | None) -> None:
    """Refuse an executor, a scheduler address or a number of workers no command can use."""
    from hito.ensemble.executors import EXECUTORS

    if executor not in EXECUTORS:
        raise InputError(not_one_of("--executor", executor, EXECUTORS))
    if workers is not None and workers < 1:
        raise InputError(
            Problem(
                "--workers: got %(workers)s, expected a whole number of at least 1", workers=workers
            )
        )
    if scheduler and executor != "dask":
        raise InputError(Problem("--scheduler: only --executor dask uses a scheduler address"))


def executor_of(executor: str, scheduler: str | None, workers: int | None) -> Any:
    """The executor the options ask for (hito.ensemble.executors), its mistakes named as typed."""
    from hito.ensemble.executors import make_executor

    executor_options(executor, scheduler, workers)
    return make_executor(executor, scheduler=scheduler, workers=workers)
