"""The dashboard's pages and files: the sites CSV keeps the layout its readers by position know."""

from __future__ import annotations

from fastapi.testclient import TestClient

# the columns of /sites.csv before trend_bound came in: a spreadsheet's formula
# or an R script reading by position reads these where they were
EARLIER = [
    "as_of",
    "site",
    "country",
    "status",
    "people",
    "stranded",
    "at_least",
    "counted_at",
    "stale",
    "trend",
    "trend_days",
    "band_first",
    "band_last",
    "band_p10",
    "band_p50",
    "band_p90",
]


def test_the_sites_csv_adds_its_newer_columns_at_the_end_in_the_order_they_came(
    signed_client: TestClient,
) -> None:
    """trend_bound sat between trend and trend_days: every column after it moved one place."""
    head = signed_client.get("/sites.csv?as_of=2025-12-03").text.splitlines()[0]
    assert head.split(",") == [
        *EARLIER,
        "trend_bound",
        "agencies",
        "stranded_low",
        "stranded_high",
        "disagree",
        "people_at_least",
    ]
