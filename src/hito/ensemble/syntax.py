"""The text forms of an event and of a sweep axis (light: the CLI's help reads them at start)."""

from __future__ import annotations

EVENT_SYNTAX = (
    "PLACE:STATE>NUMBER (on any day) or PLACE:STATE>NUMBER@YYYY-MM-DD (on that day), "
    "PLACE a place id or 'all'"
)
VARY_SYNTAX = "PATH=VALUE,VALUE,... e.g. policies.corridor.daily_quota=0,50,100,200"
