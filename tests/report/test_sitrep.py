"""The situation report from a seeded store: per-site counts, triggers met, both languages, PDF."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from hito.report import sitrep
from hito.store import migrate
from hito.store.db import Database
from hito.store.users import use_password_hasher
from hito.web import demo


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    d = Database(f"sqlite:///{tmp_path_factory.mktemp('sitrep') / 'hito.sqlite3'}")
    migrate.upgrade(d)
    demo.seed(d, password="test-pass-123")
    yield d
    d.dispose()


def test_report_of_a_past_date_in_spanish(db: Database) -> None:
    html = sitrep.build_html(db, as_of=dt.date(2023, 5, 5), lang="es", comparison=None)
    assert "Informe de situación" in html
    assert "<td class=\"n\">465</td>" in html  # midpoint of 450–480 on the strip that day
    # return flights fire at 300 stranded in one day; their title comes in Spanish
    assert "Vuelos de retorno cuando 300 o más personas están varadas" in html
    assert "disparador stranded-300 cumplido desde el 21 abr 2023 (último valor 465)" in html
    assert "Aún no se ha corrido ningún pronóstico." in html
    assert "http://" not in html and "https://" not in html


def test_report_in_english_before_any_count(db: Database) -> None:
    html = sitrep.build_html(db, as_of=dt.date(2020, 1, 1), lang="en", comparison=None)
    assert "No trigger of the stored plans is met on this date." in html
    assert "no count yet" in html


def test_write_gives_html_and_pdf_per_language(db: Database, tmp_path: Path) -> None:
    paths = sitrep.write(db, as_of=dt.date(2025, 12, 3), out=tmp_path, comparison=None)
    assert sorted(p.name for p in paths) == [
        "sitrep-2025-12-03-en.html", "sitrep-2025-12-03-en.pdf",
        "sitrep-2025-12-03-es.html", "sitrep-2025-12-03-es.pdf",
    ]
    assert (tmp_path / "sitrep-2025-12-03-es.pdf").read_bytes()[:5] == b"%PDF-"


def test_cli_rejects_a_bad_date_with_one_line() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "hito.cli.main", "report", "--as-of", "2025-13-01"],
        capture_output=True, text=True, check=False,
    )
    assert r.returncode == 2
    assert r.stderr == "error: --as-of: expected a date YYYY-MM-DD, got '2025-13-01'\n"


def test_report_carries_the_needs_panel_with_its_standards(db: Database) -> None:
    html = sitrep.build_html(db, as_of=dt.date(2023, 5, 5), lang="es", comparison=None)
    # no forecast: needs of the newest counts; 465 on the strip plus the other sites' counts
    assert 'id="needs-headline"' in html and "los albergues acogen a 150" in html
    assert "Manual" in html or "Sphere Handbook 2018" in html
    en = sitrep.build_html(db, as_of=dt.date(2023, 5, 5), lang="en", comparison=None)
    assert "Newest counts (no forecast reaches" in en and "shelters hold 150" in en
