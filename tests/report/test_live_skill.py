"""The live scorecard in words: one sentence per horizon, and the overview's one-line summary."""

from __future__ import annotations

import datetime as dt

from hito.forecast.scorecard import LivePair, Scorecard
from hito.report.skill_lines import live_skill_lines, live_skill_summary

D = dt.date(2025, 12, 1)


def pair(lead: int, horizon: int, y: float) -> LivePair:
    # the forecast (20, 40, 60) beats persistence (0, 100, 200) wherever y is near 40
    target = D + dt.timedelta(days=lead)
    return LivePair(D, target, lead, horizon, "strip", y, (20, 40, 60), (0, 100, 200))


CARD = Scorecard([pair(1, 1, 40), pair(1, 1, 90), pair(2, 3, 45)], issued=1)


def test_one_sentence_per_horizon_in_each_language() -> None:
    assert live_skill_lines(CARD, "es")[1] == (
        "Pronósticos emitidos por este servicio a 3 días, frente a los conteos que llegaron "
        "después: 1 de 1 dentro de su P10–P90; 86\xa0% mejor que la persistencia."
    )
    first = live_skill_lines(CARD, "en")[0]
    assert first.startswith(
        "Forecasts issued by this service, 1 day ahead, against the counts that came after: "
        "1 of 2 inside their P10–P90; "
    )
    assert first.endswith("better than persistence.")


def test_the_overview_line_lists_the_horizons() -> None:
    assert live_skill_summary(CARD, "es") == (
        "Pronósticos de este servicio frente a los conteos que llegaron después, dentro de su "
        "P10–P90: 1 de 2 a 1 día, 1 de 1 a 3 días."
    )
    assert live_skill_summary(CARD, "en") == (
        "This service's forecasts against the counts that came after, inside their P10–P90: "
        "1 of 2 at 1 day, 1 of 1 at 3 days."
    )


def test_nothing_scored_yet_and_no_forecast_at_all() -> None:
    empty = Scorecard([], issued=1)
    assert live_skill_lines(empty, "en") == [
        "No count has come after a forecast of this service yet: none scored."
    ]
    assert live_skill_summary(empty, "es").startswith("Todavía no ha llegado ningún conteo")
    assert live_skill_lines(None, "es") == [] and live_skill_summary(None, "es") == ""
