"""`hito log`: the transparency log's signed heads, its key, and the check against saved heads."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hito.cli.db import SettingsOpt, open_database
from hito.cli.options import ConsoleLangOpt, command_language, language_option
from hito.errors import HitoError, InputError, Problem, Said, os_reason
from hito.textfile import decode_utf8

if TYPE_CHECKING:
    from hito.store.logkey import LogKey
    from hito.store.settings import Settings

app = typer.Typer(no_args_is_help=True, help="The transparency log of the coordination service.")


class LogCheckFailed(HitoError):
    """The log does not verify: it was truncated, rewritten, forked or added to without the key."""

    exit_code = 1


def _key(settings: Path | None, *, create: bool) -> object:
    from hito.store.logkey import load_key
    from hito.store.settings import load_settings, log_key_path

    loaded = load_settings(settings)
    return load_key(log_key_path(loaded), create=create and loaded.log_key_create)


def _log_signer(settings: Settings) -> str | None:
    """The id of the key the database's log is signed with; None with no database to ask.

    Before the service's first start there is no database (or an empty one) to check a key
    against, and the key is made then.
    """
    from hito.store import audit
    from hito.store.db import Database

    try:
        db = Database.from_settings(settings, create=False).reachable()
    except InputError:
        return None
    try:
        return audit.log_signer(db)
    finally:
        db.dispose()


def _configured_key(settings: Path | None) -> LogKey:
    """The configured key file's key; without one, how a country that is not the operator checks.

    The other country has the public key (saved from `hito log key` or `GET /api/v1/log/key`),
    never the signing key: it is told to give that, not to create a key of its own (whose
    heads would all be foreign to the log).
    """
    from hito.store.logkey import load_key
    from hito.store.settings import load_settings, log_key_path

    path = log_key_path(load_settings(settings))
    if not path.exists():
        raise InputError(
            Problem(
                "%(path)s: no log key here; give the log's public key with --public-key FILE "
                "(the PEM that `hito log key` prints on the server, or the JSON of GET "
                "/api/v1/log/key)",
                path=path,
            )
        )
    return load_key(path, create=False)


def _require_log(db: object) -> None:
    """InputError unless the database holds the transparency log (a mistyped URL, an empty file)."""
    from hito.store import migrate
    from hito.store.db import Database

    assert isinstance(db, Database)
    revision = migrate.current(db)
    where = db.engine.url.render_as_string(hide_password=True)
    if revision is None:
        raise InputError(
            Problem(
                "%(database)s: no hito database here (no schema): check HITO_DATABASE_URL",
                database=where,
            )
        )
    if revision < "0003":
        raise InputError(
            Problem(
                "%(database)s: schema at revision %(revision)s, from before the transparency log "
                "(0003): run `hito db upgrade` first",
                database=where,
                revision=revision,
            )
        )


@app.command("head")
def head(
    server: Annotated[
        str | None,
        typer.Option(help="ask a running server (https://host) instead of the database"),
    ] = None,
    append: Annotated[
        Path | None,
        typer.Option(
            help="also append the head, one JSON line, to this heads file (only if signed by "
            "the pinned key and consistent with the file's last head)"
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            help="the log's public key you pinned (PEM or the JSON of GET /log/key); with "
            "--server and --append, required"
        ),
    ] = None,
    settings: SettingsOpt = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Print the latest signed tree head as one line of JSON (sequencing what is pending)."""
    language_option(lang)
    from hito.store import logsave
    from hito.store.logkey import LogKey, SignedHead, load_key

    pinned = load_key(public_key, create=False) if public_key is not None else None
    if server is not None:
        base = server.rstrip("/") + "/api/v1/log"
        if not base.startswith(("http://", "https://")):
            raise InputError(
                Problem(
                    "--server: expected an http:// or https:// address, got %(server)s",
                    server=repr(server),
                )
            )
        if append is not None and pinned is None:
            raise InputError(
                Problem(
                    "--append with --server: no log key pinned; save the log's public key once "
                    "(curl %(url)s/key > log-key.json, and check its key_id with the operator by "
                    "another channel), then give --public-key log-key.json",
                    url=base,
                )
            )
        got = SignedHead.parse(_get(base + "/head"), base + "/head")

        def proof(first: int, second: int) -> list[bytes]:
            url = f"{base}/proof/consistency?first={first}&second={second}"
            return _proof(_get(url), url)

        source = base + "/head"
    else:
        from hito.store import audit, logread

        db = open_database(settings, existing=True, writes=True)  # the server's: not a new one
        key = _key(settings, create=True)
        assert isinstance(key, LogKey)
        pinned = pinned or key
        sequenced = audit.sequence(db, key, wait=True)
        assert sequenced is not None
        got = sequenced

        def proof(first: int, second: int) -> list[bytes]:
            with db.session(readonly=True) as session:
                return logread.consistency(session, first=first, second=second)

        source = db.engine.url.render_as_string(hide_password=True)
    if pinned is not None:
        last = logsave.last_saved(append) if append is not None else None
        logsave.check_next(got, key=pinned, last=last, source=source, proof=proof)
    else:  # only with --server: the server's word, no signature checked
        from hito import i18n

        _ = i18n.translations(command_language()).gettext
        typer.echo(
            _(
                "not checked: no log key pinned (--public-key), so this head is only what %(url)s "
                "answered; check it with the key you pinned before relying on it"
            )
            % {"url": source},
            err=True,
        )
    typer.echo(got.line())
    if append is not None:
        logsave.append(append, got)


def _get(url: str) -> str:
    """The body of a GET; InputError naming the address otherwise."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 - http(s) checked
            return str(r.read().decode())
    except (urllib.error.URLError, OSError, UnicodeDecodeError) as exc:
        raise InputError(
            Problem(
                "--server: %(url)s: %(why)s; expected the address of a running hito server",
                url=url,
                why=_unreached(exc),
            )
        ) from None


def _unreached(exc: Exception) -> Said:
    """Why a server did not answer, in the reader's words.

    It read "<urlopen error [Errno 111] Connection refused>".
    """
    import socket
    import urllib.error

    if isinstance(exc, urllib.error.HTTPError):
        return Problem("the server answered HTTP %(code)s", code=exc.code)
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return Problem("connection refused (nothing listens at that address and port)")
    if isinstance(reason, socket.gaierror):
        return Problem("no such host")
    if isinstance(reason, TimeoutError):
        return Problem("no answer within %(s)s s", s=30)
    if isinstance(reason, UnicodeDecodeError):
        return Problem("the answer is not UTF-8 text")
    return str(getattr(reason, "strerror", None) or reason)


def _proof(body: str, url: str) -> list[bytes]:
    """The hashes of a consistency proof answered by GET /log/proof/consistency."""
    import json

    try:
        return [bytes.fromhex(h) for h in json.loads(body)["proof"]]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise InputError(
            Problem(
                "--server: %(url)s: expected a consistency proof (JSON with a list of hex "
                "hashes under 'proof')",
                url=url,
            )
        ) from None


@app.command("key")
def key(
    settings: SettingsOpt = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Print the public key that signs the heads (PEM), creating the key pair if allowed."""
    language_option(lang)
    from hito.store.logkey import signing_key
    from hito.store.settings import load_settings, log_key_path

    loaded = load_settings(settings)
    # checked against the key the database's log is signed with, when there is a database:
    # a mistyped key path would make and print a key pair of its own, which the other country
    # would pin, and refuse every head after
    k = signing_key(log_key_path(loaded), create=loaded.log_key_create, signer=_log_signer(loaded))
    typer.echo(k.public_pem().rstrip())
    from hito import i18n

    _ = i18n.translations(command_language()).gettext
    # the id stays the last word: scripts take it with .split()[-1]
    typer.echo(_("key id %(id)s") % {"id": k.key_id}, err=True)


@app.command("verify")
def verify(
    against: Annotated[
        list[Path] | None,
        typer.Option(help="a heads file (one signed head per line), as saved by either country"),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(help="the log's public key (PEM); else the configured key file's"),
    ] = None,
    rows: Annotated[
        bool,
        typer.Option(
            help="also check reports, users, sites, agencies, plans, alerts, shelters and "
            "subscriptions"
        ),
    ] = True,
    settings: SettingsOpt = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Check the database against saved heads and the key: exit 1 listing every problem."""
    language_option(lang)
    from hito import i18n

    check(against=against, public_key=public_key, rows=rows, settings=settings)
    if not against:  # the heads the database holds are the ones its writer left there
        _ = i18n.translations(command_language()).gettext
        typer.echo(
            _(
                "no heads of your own given (--against): the log was checked only against the "
                "heads its database holds, which whoever writes the database may have had signed "
                "again; give the heads your country saved"
            ),
            err=True,
        )


def check(
    *, against: list[Path] | None, public_key: Path | None, rows: bool, settings: Path | None
) -> None:
    """The check of `hito log verify` and `hito audit verify`: its line, or LogCheckFailed."""
    from hito import i18n
    from hito.cli.terminal import plain_console
    from hito.store import logcheck
    from hito.store.logkey import LogKey, load_key

    saved = []
    for f in against or []:
        try:
            data = f.read_bytes()
        except OSError as exc:
            raise InputError(
                Problem("--against: %(f)s: %(value)s", f=f, value=os_reason(exc))
            ) from None
        heads = logcheck.parse_heads(decode_utf8(data, str(f)), str(f))  # its line if not UTF-8
        if not heads:  # else only the database's own heads would be checked, and "log ok" said
            raise InputError(
                Problem(
                    "--against: %(f)s: no signed head in it; expected the heads your country "
                    "saved, one JSON line each as `hito log head --append` writes them (against "
                    "none, the log would be checked only against the heads its database holds)",
                    f=f,
                )
            )
        saved += heads
    k = load_key(public_key, create=False) if public_key is not None else _configured_key(settings)
    assert isinstance(k, LogKey)
    db = open_database(settings, migrate_if_needed=False, existing=True)
    _require_log(db)
    lang = command_language()
    _ = i18n.translations(lang).gettext
    with (
        plain_console(stderr=True).status(_("checking the log…")),
        db.session(readonly=True) as session,
    ):
        result = logcheck.verify(session, key=k, saved=saved, rows=rows)
    if not result.ok:
        raise LogCheckFailed(result.problems)
    t = i18n.translations(lang)
    num = {
        "entries": result.entries,
        "heads": result.heads_checked,
        "rows": result.rows_checked,
    }
    said = {k: i18n.number(v, lang) for k, v in num.items()}
    typer.echo(
        _(
            "log ok: %(entries)s (root %(root)s), %(pending)s waiting; %(heads)s and %(rows)s "
            "checked"
        )
        % {
            "entries": t.ngettext("%(n)s entry", "%(n)s entries", num["entries"])
            % {"n": said["entries"]},
            "root": result.root_hash,
            "pending": i18n.number(result.pending, lang),
            "heads": t.ngettext("%(n)s signed head", "%(n)s signed heads", num["heads"])
            % {"n": said["heads"]},
            "rows": t.ngettext("%(n)s row", "%(n)s rows", num["rows"]) % {"n": said["rows"]},
        }
    )
