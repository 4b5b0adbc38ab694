"""`hito plans ...` end to end through the real entry point."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from plans.helpers import closed_tiny, corridor, plan_dict, stranded_trigger

DATA = Path(__file__).parents[1] / "plans" / "data" / "tacna-arica-stranded.csv"


def hito(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hito.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"COLUMNS": "200", "PATH": "/usr/bin"},
    )


def test_list_shows_the_builtin_plans():
    done = hito("plans", "list")
    assert done.returncode == 0, done.stderr
    for name in ("status-quo", "corridor-100", "return-flights", "arica-shelter", "binational"):
        assert name in done.stdout


def test_compare_writes_json_csv_and_a_self_contained_page(tmp_path):
    scen = tmp_path / "tiny.yaml"
    scen.write_text(yaml.safe_dump(closed_tiny()))
    plan = tmp_path / "corr.yaml"
    plan.write_text(yaml.safe_dump(plan_dict([stranded_trigger()], [corridor()])))
    out = tmp_path / "out"
    done = hito("plans", "compare", str(scen), str(plan), "--runs", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = json.loads((out / "comparison.json").read_text())
    assert [r["plan"] for r in rows] == ["no-plan", "corr"]
    assert rows[1]["stranded_person_days"]["p50"] == 420 < rows[0]["stranded_person_days"]["p50"]
    csv = (out / "comparison.csv").read_text().splitlines()
    assert csv[0].startswith("plan,title,runs,stranded_person_days_p10,")
    assert csv[2].startswith("corr,p,2,420,420,420,")
    page = (out / "comparison.html").read_text()
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)
    assert "Personas-día varadas" in page and "Stranded person-days" in page


def test_check_json_on_the_2023_episode():
    done = hito(
        "plans",
        "check",
        "return-flights",
        "corridor-100",
        "--observations",
        str(DATA),
        "--as-of",
        "2023-04-21",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    reports = json.loads(done.stdout)
    status = {t["trigger"]: t for r in reports for t in r["triggers"]}
    assert status["stranded-300"]["met"] is True
    assert status["stranded-300"]["actions_due"][0]["due"] == "2023-04-28"
    assert status["stranded-200-2d"]["met"] is False


def test_bad_plan_and_bad_date_exit_2_with_located_errors(tmp_path):
    plan = tmp_path / "bad.yaml"
    plan.write_text(
        yaml.safe_dump(
            plan_dict([stranded_trigger()], [corridor(lead_time_days=-1)]), sort_keys=False
        )
    )
    done = hito("plans", "validate", str(plan))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert re.match(
        rf"error: {re.escape(str(plan))}:\d+: actions\[0\]\.lead_time_days", done.stderr
    )
    done = hito("plans", "check", "corridor-100", "--observations", str(DATA), "--as-of", "21/4")
    assert done.returncode == 2
    assert done.stderr.strip() == "error: --as-of: got '21/4', expected a date as YYYY-MM-DD"
