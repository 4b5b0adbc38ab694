"""The backtest's console lines, in Spanish and English, from hand-built scores."""

from __future__ import annotations

from hito.report.backtest_lines import event_lines, horizon_lines

SCORES = {
    "1": {"n": 0},
    "7": {
        "n": 11,
        "coverage_p10_p90": 10 / 11,
        "coverage_p10_p90_pit": 0.8,
        "coverage_p5_p95": 1.0,
        "wis": 30.44,
        "wis_persistence": 362.5,
        "wis_uncalibrated": 24.8,
        "skill_vs_persistence": 0.916,
        "skill_vs_persistence_log": -0.125,
    },
}
EVENTS = {
    "peak": {"n": 1, "coverage_p10_p90": 0.0, "median_abs_error": 30.0, "date_abs_error_days": 0.0},
    "clearance": {
        "n": 1,
        "cleared": 1,
        "brier": 0.25,
        "mean_chance": 0.5,
        "date_abs_error_days": 0.0,
    },
}


def test_horizon_lines_in_english():
    assert horizon_lines(SCORES, "en") == [
        "1 day: no count that far ahead",
        "7 days: 11 counts, 91% inside P10–P90 (80% by their PIT), 100% inside P5–P95; WIS 30.4"
        " against 362.5 for persistence (+92%) and 24.8 for the uncalibrated scenario;"
        " of log(count + 1): −12% against persistence",
    ]


def test_horizon_lines_in_spanish_use_its_separators():
    lines = horizon_lines(SCORES, "es")
    assert lines[0] == "1 día: ningún conteo tan adelante"
    assert lines[1] == (
        "7 días: 11 conteos, 91\xa0% dentro de P10–P90 (80\xa0% según su PIT), 100\xa0% dentro de P5–P95;"
        " WIS 30,4 frente a 362,5 de la persistencia (+92\xa0%) y 24,8 del escenario sin calibrar;"
        " de log(conteo + 1): −12\xa0% frente a la persistencia"
    )


def test_event_lines_say_each_score_once():
    assert event_lines(EVENTS, "en") == [
        "peak: 1 forecast, 0% inside P10–P90, median off by 30 people and 0.0 days",
        "clearance (a count of 0): came after 1 of 1 forecasts, which gave it 50% on average"
        " (Brier 0.25); day off by 0.0 days",
    ]
    es = event_lines(EVENTS, "es")
    assert es[0] == (
        "pico: 1 pronóstico, 0\xa0% dentro de P10–P90, error de la mediana de 30 personas y "
        "0,0 días"
    )
    assert es[1].endswith("(Brier 0,25); error de fecha de 0,0 días")
    assert event_lines({"n": 0}, "es") == []
