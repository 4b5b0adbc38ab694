"""`hito alerts deliver`: the worker that sends alerts to their subscribers, with receipts."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from hito.cli.db import SettingsOpt, open_database
from hito.cli.options import ConsoleLangOpt, language_option

app = typer.Typer(no_args_is_help=True, help="Alerts: send them to their subscribers.")


@app.command("deliver")
def deliver(
    settings: SettingsOpt = None,
    once: Annotated[
        bool, typer.Option("--once", help="send what is due now, then stop (else: keep running)")
    ] = False,
    idle: Annotated[
        float, typer.Option("--idle", min=0.05, help="seconds between looks when nothing is due")
    ] = 1.0,
    lang: ConsoleLangOpt = None,
) -> None:
    """Send due deliveries (e-mail, webhooks); a killed worker's sends resume on restart."""
    lang = language_option(lang)
    from rich.text import Text

    from hito import i18n, names
    from hito.cli.terminal import plain_console
    from hito.errors import Said, say
    from hito.store.deliveries import EmailBacklog, email_subscribed, run_worker, waiting_emails
    from hito.store.settings import load_settings, worker_config

    t = i18n.translations(lang)
    outcome_names = names.outcomes(t.gettext)
    cfg = worker_config(load_settings(settings))
    db = open_database(settings, existing=True, writes=True)  # the server's: not a new one
    console = plain_console(stderr=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    counts: dict[str, int] = {}
    with db.session(readonly=True) as session:
        queued = waiting_emails(session)
        by_email = queued > 0 or email_subscribed(session)
    if cfg.smtp is None and by_email:  # said once, not as every e-mail's failure, retried
        console.print(
            t.ngettext(
                "no SMTP server configured (HITO_SMTP_HOST): this worker sends webhooks only; "
                "%(n)s e-mail stays queued, untouched, for a worker with one",
                "no SMTP server configured (HITO_SMTP_HOST): this worker sends webhooks only; "
                "%(n)s e-mails stay queued, untouched, for a worker with one",
                queued,
            )
            % {"n": i18n.number(queued, lang)}
        )

    backlog = EmailBacklog(db, seen=queued)

    def queued_meanwhile() -> None:
        """E-mails queued since it last looked, which this worker cannot send: once per growth."""
        n = backlog.grown()
        if n is not None:
            console.print(
                t.ngettext(
                    "no SMTP server configured (HITO_SMTP_HOST): %(n)s e-mail now waits in the "
                    "queue, untouched, for a worker with one",
                    "no SMTP server configured (HITO_SMTP_HOST): %(n)s e-mails now wait in the "
                    "queue, untouched, for a worker with one",
                    n,
                )
                % {"n": i18n.number(n, lang)}
            )

    def tally() -> str:
        return ", ".join(
            f"{outcome_names.get(k, k)}: {i18n.number(v, lang)}" for k, v in sorted(counts.items())
        )

    def shown(delivery_id: int, outcome: str, error: Said, wait: float | None) -> None:
        counts[outcome] = counts.get(outcome, 0) + 1
        line = t.gettext("delivery %(id)s: %(outcome)s") % {
            "id": delivery_id,
            "outcome": outcome_names.get(outcome, outcome),
        }
        if wait is not None:
            line += t.gettext("; tried again in %(s)s s") % {"s": i18n.number(round(wait), lang)}
        so_far = t.gettext("so far: %(tally)s") % {"tally": tally()}
        console.print(Text(line).append(f"  ({so_far})", style="dim"))
        if error and outcome != "stopped":  # the mail server's or the receiver's own words
            console.print(Text(f"  {say(error, lang)}", style="dim"))

    try:
        with console.status(t.gettext("sending alerts to subscribers…")):
            n = run_worker(
                db,
                cfg,
                once=once,
                idle_seconds=idle,
                stop=stop,
                on_outcome=shown,
                on_look=queued_meanwhile if cfg.smtp is None else None,
            )
    except KeyboardInterrupt:
        n = sum(counts.values())
    handled = t.ngettext("%(n)s delivery handled", "%(n)s deliveries handled", n) % {
        "n": i18n.number(n, lang)
    }
    typer.echo(handled + (f" ({tally()})" if counts else ""))
