"""A run's figures say the same words in its report, in the sweep and on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cli_helpers import hito
from conftest import tiny_dict
from hito import i18n, names

# words that once named the same figures elsewhere ('Con daños al final' in the sweep beside
# 'Personas con daños al final' in the report, 'conservation error' beside 'balance error')
OTHER_WORDS = {
    "es": ("Con daños al final", "Personas con daños", "error de conservación", "Desviadas al fin"),
    "en": ("Diverted by the end", "conservation error", "peak P50", "diverted P50"),
}


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    d = tiny_dict()
    d["days"] = 10
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-02"}]
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    return path


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_runs_figures_are_named_alike_in_its_report_the_sweep_and_the_command_line(
    tiny_file: Path, tmp_path: Path, lang: str
) -> None:
    named = names.figures(i18n.translations(lang).gettext)
    median = i18n.translations(lang).gettext("%(figure)s (median)")
    run = hito("run", str(tiny_file), "--runs", "2", "--lang", lang, "--out", str(tmp_path / "r"))
    assert run.returncode == 0, run.stderr
    report = (tmp_path / "r" / "report.html").read_text("utf-8")
    for key in names.RUN_FIGURES:
        assert f"  {named[key]}: P50 " in run.stdout, (key, run.stdout)
        assert median % {"figure": named[key]} in report, key
    assert f"  {named['conservation_error']}: 0\n" in run.stdout
    assert f"{named['conservation_error']}: 0." in report
    vary = ("--vary", "policies.corridor.daily_quota=0,20")
    sweep = hito(
        "sweep", str(tiny_file), *vary, "--runs", "2", "--lang", lang, "--out", str(tmp_path / "s")
    )
    assert sweep.returncode == 0, sweep.stderr
    page = (tmp_path / "s" / "sweep.html").read_text("utf-8")
    for key in ("stranded_peak", "stranded_person_days", "diverted", "harmed"):
        assert named[key] in page, key
    said = " ".join(sweep.stdout.split())  # the console wraps long lines
    assert f"{named['stranded_person_days']}: P50 " in said
    assert f"{named['stranded_peak']}: P50 " in said
    for words in OTHER_WORDS[lang]:
        assert words not in run.stdout + report + said + page, words
