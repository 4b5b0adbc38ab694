"""`hito run --calibration DIR`: the forecast again from a posterior written by `hito calibrate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hito import i18n
from hito.cli.options import executor_of
from hito.cli.outfiles import output_set
from hito.cli.run import console, summary_lines, write_outputs
from hito.errors import InputError, Plural, Problem

if TYPE_CHECKING:
    from hito.scenario.model import Scenario


def only_calibration(
    *, days: int | None, runs: int, seed: int, event: list[str] | None, sampling: str
) -> None:
    """Refuse the options a forecast from a posterior does not take (they were ignored)."""
    given = [
        option
        for option, on in (
            ("--days", days is not None),
            ("--runs", runs != 20),
            ("--seed", seed != 0),
            ("--event", bool(event)),
            ("--sampling", sampling != "lhs"),
        )
        if on
    ]
    if given:
        raise InputError(
            Plural(
                "%(options)s: not taken with --calibration (its forecast runs each particle of "
                "the posterior once, to the scenario's last day); expected it left out",
                "%(options)s: not taken with --calibration (its forecast runs each particle of "
                "the posterior once, to the scenario's last day); expected them left out",
                len(given),
                options=", ".join(given),
            )
        )


def same_scenario(folder: Path, s: Scenario, scenario: str | None) -> None:
    """Refuse a scenario named beside a posterior that is not the one it was calibrated on."""
    from hito.scenario.load import load

    if scenario is not None and load(scenario).name != s.name:
        raise InputError(
            Problem(
                "--calibration %(folder)s: a posterior of scenario %(have)s, not of %(given)s; "
                "expected the scenario it was calibrated on, or no scenario",
                folder=str(folder),
                have=repr(s.name),
                given=repr(scenario),
            )
        )


def own_counts(folder: Path) -> bool:
    """Whether `hito calibrate` wrote the folder from counts given with --observations."""
    import json

    from hito.forecast.files import CALIBRATION_FACTS

    try:
        facts = json.loads((folder / CALIBRATION_FACTS).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # unreadable, not JSON, brackets thousands deep
        return False
    return isinstance(facts, dict) and facts.get("own_counts") is True


def run_calibrated(
    folder: Path,
    out: Path,
    executor: str,
    scheduler: str | None,
    workers: int | None,
    keep_runs: int,
    lang: str = "es",
    scenario: str | None = None,
) -> None:
    """`hito run --calibration DIR`: every particle of a posterior run on to its last day.

    A scenario named beside it must be the one the posterior was calibrated on.
    """
    from hito.cli.forecast import particle_bar
    from hito.forecast.posterior import calibrated_ensemble
    from hito.forecast.posterior import load as load_posterior

    post = load_posterior(folder)
    s = post.spec.scenario
    same_scenario(folder, s, scenario)
    ex = executor_of(executor, scheduler, workers)
    try:
        with particle_bar(post, lang) as advance:
            ens = calibrated_ensemble(
                post, post.spec.days, ex, keep_runs=keep_runs, progress=advance
            )
    finally:
        ex.close()
    facts = ens.summary()
    facts["calibration"] = {
        "folder": str(folder),
        "as_of": post.as_of.isoformat(),
        "own_counts": own_counts(folder),
    }
    with output_set(out) as files:
        here = out.resolve() == folder.resolve()
        write_outputs(files, s, ens, facts, lang, calibration_here=here)
    gettext = i18n.translations(lang).gettext
    console.print(
        gettext("%(name)s calibrated as of %(date)s:")
        % {"name": s.name, "date": i18n.date(post.as_of, lang)}
    )
    for line in summary_lines(facts, lang):
        console.print(f"  {line}", highlight=False)
    console.print(gettext("report: %(path)s") % {"path": (out / "report.html").resolve()})
