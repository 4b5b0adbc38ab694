"""Forecast skill in sentences: the shipped backtest per scenario, the service's own scores."""

from __future__ import annotations

from typing import Any

from hito import i18n
from hito.forecast.scorecard import Scorecard


def versus_persistence(gain: float | None, lang: str) -> str:
    """How a forecast's interval score compares with persistence's: '31 % better than ...'.

    `gain` is 1 − WIS / WIS of persistence (None: both scores 0, or no persistence to compare).
    """
    _ = i18n.translations(lang).gettext
    if gain is None:
        return _("as good as persistence")
    if gain >= 0:
        return _("%(pct)s better than persistence") % {"pct": i18n.percent(gain, lang)}
    return _("%(pct)s worse than persistence") % {"pct": i18n.percent(-gain, lang)}


def skill_sentence(
    skill: dict[str, Any], horizon: int, lang: str, episode: str | None = None
) -> str | None:
    """One sentence of a backtest's skill at a horizon (None when it has no pairs there).

    'Backtest over Tacna–Arica (April 2023), 7-day forecasts of a field count: 78% of 12 counts
    inside their P10–P90; 31% better than persistence.'
    """
    h = skill.get("horizons", {}).get(str(horizon))
    if not h or not h.get("n"):
        return None
    _ = i18n.translations(lang).gettext
    cov = i18n.percent(h["coverage_p10_p90"], lang)
    better = versus_persistence(h.get("skill_vs_persistence"), lang)
    return _(
        "Backtest over %(episode)s, %(h)s-day forecasts of a field count: %(cov)s of %(n)s "
        "counts inside their P10–P90; %(better)s."
    ) % {
        "episode": episode or skill.get("scenario", ""),
        "h": horizon,
        "cov": cov,
        "n": h["n"],
        "better": better,
    }


def skill_lines(scenario: str, lang: str, *, own_counts: bool = False) -> list[str]:
    """The backtest skill of a built-in scenario at 7 and 14 days, as sentences (or none).

    Read from hito/forecast/skill/SCENARIO.json, written by benchmarks/forecast_skill.py.
    `own_counts`: the forecast was calibrated on counts the user gave, so a last sentence says
    the scores were measured on the counts hito ships, not on those.
    """
    skill = _shipped_skill(scenario)
    if skill is None:
        return []
    from hito.report.places import scenario as loaded  # the episode's title, not its id

    known = loaded(skill.get("scenario") or scenario)
    episode = known.title.get(lang) if known is not None and known.title is not None else None
    lines = [line for h in (7, 14) if (line := skill_sentence(skill, h, lang, episode))]
    if lines and own_counts:
        lines.append(
            i18n.translations(lang).gettext(
                "These scores were measured on the counts hito ships for %(episode)s, not on "
                "the counts given with --observations."
            )
            % {"episode": episode or skill.get("scenario", "")}
        )
    return lines


def skill_and_reach(scenario: str, lang: str) -> list[str]:
    """The skill lines and, after them, how far ahead such forecasts were ever scored."""
    reach = reach_line(scenario, lang)
    return [*skill_lines(scenario, lang), *([reach] if reach else [])]


def _shipped_skill(scenario: str) -> dict[str, Any] | None:
    """hito/forecast/skill/SCENARIO.json, or None when the scenario has no backtest shipped."""
    import json
    from importlib import resources

    path = resources.files("hito.forecast") / "skill" / f"{scenario}.json"
    if not path.is_file():
        return None
    return dict(json.loads(path.read_text(encoding="utf-8")))


def skill_reach(scenario: str) -> int | None:
    """The longest horizon (days ahead) at which the shipped backtest scored any pair."""
    skill = _shipped_skill(scenario) or {}
    scored = [int(h) for h, x in skill.get("horizons", {}).items() if x.get("n")]
    return max(scored, default=None)


def reach_line(scenario: str, lang: str) -> str | None:
    """How far ahead the shipped backtest scored forecasts, and that beyond it nothing was."""
    reach = skill_reach(scenario)
    if reach is None:
        return None
    return i18n.translations(lang).gettext(
        "Such forecasts were scored against later counts up to %(h)s days ahead; further "
        "ahead, how far the bands can be trusted has not been measured."
    ) % {"h": reach}


def live_skill_lines(card: Scorecard | None, lang: str) -> list[str]:
    """The service's own forecasts scored by the counts that came after them, as sentences.

    One sentence per horizon with pairs ('Forecasts issued by this service, 7 days ahead,
    against the counts that came after: 2 of 3 inside their P10–P90; 12 % better than
    persistence.'); one that says so when no count has come after a forecast yet; none when
    the service has issued no forecast.
    """
    if card is None:
        return []
    t = i18n.translations(lang)
    if not card.pairs:
        return [t.gettext("No count has come after a forecast of this service yet: none scored.")]
    out = []
    for h in card.by_horizon():
        better = versus_persistence(h["improvement"], lang)
        out.append(
            t.ngettext(
                "Forecasts issued by this service, %(h)s day ahead, against the counts that "
                "came after: %(k)s of %(num)s inside their P10–P90; %(better)s.",
                "Forecasts issued by this service, %(h)s days ahead, against the counts that "
                "came after: %(k)s of %(num)s inside their P10–P90; %(better)s.",
                h["horizon"],
            )
            % {"h": h["horizon"], "k": h["covered"], "num": h["n"], "better": better}
        )
    return out


def live_skill_summary(card: Scorecard | None, lang: str) -> str:
    """The scorecard in one sentence for the overview: counts inside P10–P90 per horizon.

    'This service's forecasts against the counts that came after, inside their P10–P90: 2 of 2
    at 1 day, 2 of 3 at 3 days.' The comparison with persistence is in `live_skill_lines`.
    """
    if card is None:
        return ""
    t = i18n.translations(lang)
    if not card.pairs:
        return t.gettext("No count has come after a forecast of this service yet: none scored.")
    parts = [
        t.ngettext("%(k)s of %(num)s at %(h)s day", "%(k)s of %(num)s at %(h)s days", h["horizon"])
        % {"k": h["covered"], "num": h["n"], "h": h["horizon"]}
        for h in card.by_horizon()
    ]
    return t.gettext(
        "This service's forecasts against the counts that came after, inside their P10–P90: "
        "%(parts)s."
    ) % {"parts": ", ".join(parts)}
