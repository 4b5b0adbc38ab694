"""The text forms of an event and of a sweep axis (light: the CLI's help reads them at start).

Each is a Problem, so that an error naming it says it in the reader's language; its English
`message` is the one the help's own sentence is catalogued with.
"""

from __future__ import annotations

from hito.errors import Problem

EVENT_FORM = Problem(
    "PLACE:STATE>NUMBER (on any day) or PLACE:STATE>NUMBER@YYYY-MM-DD (on that day), "
    "PLACE a place id or 'all'"
)
VARY_FORM = Problem("PATH=VALUE,VALUE,... e.g. policies.corridor.daily_quota=0,50,100,200")
EVENT_SYNTAX = EVENT_FORM.message
VARY_SYNTAX = VARY_FORM.message
