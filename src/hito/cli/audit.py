"""`hito audit verify`: check the audit log's hash chain."""

from __future__ import annotations

import typer

from hito.cli.db import SettingsOpt, open_database
from hito.errors import HitoError

app = typer.Typer(no_args_is_help=True, help="The audit log of the coordination service.")


class AuditChainBroken(HitoError):
    """The audit chain does not verify: an entry was altered, removed or inserted."""

    exit_code = 1


@app.command("verify")
def verify(settings: SettingsOpt = None) -> None:
    """Recompute every entry's hash; exit 1 naming the first entry that does not verify."""
    from hito.store import audit

    db = open_database(settings)
    with db.session(readonly=True) as s:
        result = audit.verify(s)
    if not result.ok:
        raise AuditChainBroken(
            f"audit chain broken at entry {result.first_bad_seq}: {result.problem} "
            f"({result.entries} entries verified before it)"
        )
    typer.echo(f"audit chain ok: {result.entries} entries, head {result.head}")
