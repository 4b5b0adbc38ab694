"""Place titles and the status the scenario's policies in force give a site."""

from __future__ import annotations

import datetime as dt

from hito.report import places


def test_policies_in_force_set_the_status_of_the_posts() -> None:
    sc = "tacna-arica-2025"
    before = dt.date(2025, 11, 20)
    during = dt.date(2025, 12, 3)
    # Peru's emergency from 2025-11-29: troops at the posts and the strip, Santa Rosa closed
    # to undocumented people (the closure of strip -> santa-rosa touches both ends)
    assert places.policy_status(sc, "santa-rosa", before) == "open"
    assert places.policy_status(sc, "santa-rosa", during) == "militarized"
    assert places.policy_status(sc, "colchane", during) == "open"
    assert places.policy_status(sc, "concordia-strip", dt.date(2026, 4, 1)) == "open"  # ended
    # a stored status worse than the policies' wins; a milder one gives way
    assert places.status("closed", sc, "santa-rosa", during) == "closed"
    assert places.status("open", sc, "santa-rosa", during) == "militarized"
    assert places.status("documented_only", sc, "pisiga", during) == "documented_only"


def test_titles_come_in_spanish_and_english_from_the_scenario() -> None:
    t = places.titles("tacna-arica-2025")
    assert t["concordia-strip"].get("es") == "Franja entre Chacalluta y Santa Rosa"
    assert t["concordia-strip"].get("en") == "Strip between Chacalluta and Santa Rosa"
    assert places.titles("no-such-scenario") == {}
