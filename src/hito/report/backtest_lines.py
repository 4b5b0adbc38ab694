"""A backtest's scores as console lines in the user's language (`hito backtest`, benchmarks)."""

from __future__ import annotations

from typing import Any

from hito import i18n


def horizon_lines(scores: dict[str, dict[str, Any]], lang: str) -> list[str]:
    """One line per horizon: coverage (literal and by PIT), WIS against both baselines."""
    ngettext = i18n.translations(lang).ngettext
    out = []
    for h, v in scores.items():
        if not v.get("n"):
            out.append(
                ngettext(
                    "%(h)s day: no count that far ahead",
                    "%(h)s days: no count that far ahead",
                    int(h),
                )
                % {"h": h}
            )
            continue
        gain = v.get("skill_vs_persistence")
        out.append(
            ngettext(
                "%(h)s day: %(n)s counts, %(cov)s inside P10–P90 (%(pit)s by their PIT), "
                "%(cov95)s inside P5–P95; WIS %(wis)s against %(wisp)s for persistence "
                "(%(gain)s) and %(wisu)s for the uncalibrated scenario",
                "%(h)s days: %(n)s counts, %(cov)s inside P10–P90 (%(pit)s by their PIT), "
                "%(cov95)s inside P5–P95; WIS %(wis)s against %(wisp)s for persistence "
                "(%(gain)s) and %(wisu)s for the uncalibrated scenario",
                int(h),
            )
            % {
                "h": h,
                "n": v["n"],
                "cov": i18n.percent(v["coverage_p10_p90"], lang),
                "pit": i18n.percent(v.get("coverage_p10_p90_pit"), lang),
                "cov95": i18n.percent(v["coverage_p5_p95"], lang),
                "wis": i18n.number(v["wis"], lang, 1),
                "wisp": i18n.number(v["wis_persistence"], lang, 1),
                "gain": i18n.signed_percent(gain, lang),
                "wisu": i18n.number(v["wis_uncalibrated"], lang, 1),
            }
        )
        log_gain = v.get("skill_vs_persistence_log")
        if log_gain is not None:  # where one huge count cannot decide the mean
            out[-1] += "; " + i18n.translations(lang).gettext(
                "of log(count + 1): %(gain)s against persistence"
            ) % {"gain": i18n.signed_percent(log_gain, lang)}
    return out


def event_lines(ev: dict[str, Any], lang: str) -> list[str]:
    """The peak and clearance scores of `events.event_scores`, one line each."""
    tr = i18n.translations(lang)
    _ = tr.gettext
    peak, clear = ev.get("peak", {}), ev.get("clearance", {})
    out = []
    if peak.get("n"):
        out.append(
            tr.ngettext(
                "peak: %(n)s forecast, %(cov)s inside P10–P90, median off by %(people)s people "
                "and %(days)s days",
                "peak: %(n)s forecasts, %(cov)s inside P10–P90, median off by %(people)s people "
                "and %(days)s days",
                int(peak["n"]),
            )
            % {
                "n": peak["n"],
                "cov": i18n.percent(peak["coverage_p10_p90"], lang),
                "people": i18n.number(peak["median_abs_error"], lang),
                "days": i18n.number(peak["date_abs_error_days"], lang, 1),
            }
        )
    if clear.get("n"):
        line = _(
            "clearance (a count of 0): came after %(cleared)s of %(n)s forecasts, which gave it "
            "%(chance)s on average (Brier %(brier)s)"
        ) % {
            "cleared": clear["cleared"],
            "n": clear["n"],
            "chance": i18n.percent(clear["mean_chance"], lang),
            "brier": i18n.number(clear["brier"], lang, 2),
        }
        when = clear.get("date_abs_error_days")
        if when is not None:
            line += "; " + _("day off by %(days)s days") % {"days": i18n.number(when, lang, 1)}
        out.append(line)
    return out
