"""Read a Flee case's settings (``simsetting.yml``) and period (``sim_period.csv``).

As Flee 3.1 reads them (``flee/SimulationSettings.py``, ``flee/datamanager/read_period.py``):
what Flee cannot run is a problem naming the key's line, a setting hito's rulesets do not
implement is refused, what Flee runs with a quirk is a warning.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hito.errors import Problem, Said
from hito.flee.csvread import BOM, Notes, decode, number, parse_date, read_rows
from hito.flee.model import FleeMoveRules, FleePeriod, FleeSettings, FleeSpawnRules
from hito.yamldoc import (
    TOO_DEEP,
    LastKeyWins,
    NodeError,
    field_path,
    field_problem,
    reader_reason,
)
from hito.yamlwords import yaml_reason

UNSUPPORTED_SETTINGS = {
    ("spawn_rules", "flood_driven_spawning"),
    ("spawn_rules", "flood_zone_spawning_only"),
    ("spawn_rules", "camps_are_sicks"),
    ("spawn_rules", "read_from_agents_csv_file"),
    ("move_rules", "stay_close_to_home"),
    ("move_rules", "use_pop_for_loc_weight"),
    ("move_rules", "use_v1_rules"),
    # squares the score of a destination for people under 19 (flee/moving.py); BoysTakeRisk
    # acts only with it. Flee 3.1 reads a person's age from input_csv/demographics_*.csv.
    ("move_rules", "ChildrenAvoidHazards"),
    ("", "flood_rules"),
}

# move_rules Flee 3.1 reads but cannot run: flee/moving.py's getEndPointScore calls
# spawning.getAttributeRatio without importing spawning, a NameError as soon as a person
# weighs a route to a camp, a conflict zone or another place respectively.
FAILING_IN_FLEE_31 = ("MatchCampEthnicity", "MatchConflictEthnicity", "MatchTownEthnicity")

# Every key flee/SimulationSettings.py ReadFromYML fetches, by section ("" the top level);
# any other key (a typo) it passes over, its default used. log_levels only shape Flee's logs.
READ_BY_FLEE_31: dict[str, frozenset[str]] = {
    "": frozenset(
        (
            "number_of_steps",
            "conflict_input_file",
            "log_levels",
            "spawn_rules",
            "move_rules",
            "flood_rules",
            "optimisations",
        )
    ),
    "spawn_rules": frozenset(
        (
            "take_from_population",
            "insert_day0",
            "conflict_zone_spawning_only",
            "flood_zone_spawning_only",
            "camps_are_sicks",
            "read_from_agents_csv_file",
            "conflict_driven_spawning",
            "flood_driven_spawning",
            "conflict_spawn_decay",
            "flood_movechances",
            "flood_loc_weights",
            "flood_link_weights",
        )
    ),
    "move_rules": frozenset(
        (
            "max_move_speed",
            "max_walk_speed",
            "max_crossing_speed",
            "foreign_weight",
            "camp_weight",
            "conflict_weight",
            "conflict_movechance",
            "camp_movechance",
            "idpcamp_movechance",
            "default_movechance",
            "awareness_level",
            "capacity_buffer",
            "avoid_short_stints",
            "start_on_foot",
            "use_v1_rules",
            "softening",
            "weight_softening",
            "weight_power",
            "distance_power",
            "stay_close_to_home",
            "home_distance_power",
            "use_pop_for_loc_weight",
            "pop_power_for_loc_weight",
            "movechance_pop_base",
            "movechance_pop_scale_factor",
            "ChildrenAvoidHazards",
            "BoysTakeRisk",
            *FAILING_IN_FLEE_31,
        )
    ),
    "optimisations": frozenset(("hasten",)),
}


def read_period(n: Notes, path: Path) -> FleePeriod | None:
    """The StartDate and Length rows of a period file (None, with a problem, when missing)."""
    start, length = None, None
    for line, row in read_rows(n, path):
        key = row[0].strip().lower()
        if key not in ("startdate", "length"):
            continue
        if len(row) < 2:
            n.problem(path, line, 2, Problem("expected a value after %(row)s", row=repr(row[0])))
        elif key == "startdate":
            start = parse_date(row[1])
            if start is None:
                n.problem(
                    path,
                    line,
                    2,
                    Problem(
                        "expected a date YYYY-MM-DD for StartDate, got %(row)s", row=repr(row[1])
                    ),
                )
        else:
            v = number(n, path, line, 2, row[1], "Length", integer=True)
            if v is not None and v <= 0:
                n.problem(
                    path,
                    line,
                    2,
                    Problem("expected a positive Length, got %(row)s", row=repr(row[1])),
                )
            elif v is not None:
                length = int(v)
    if start is None or length is None:
        if not n.problems:
            n.problem(path, None, None, Problem("expected a StartDate row and a Length row"))
        return None
    return FleePeriod(start=start, length=length)


def _reason(exc: yaml.YAMLError) -> Said:
    """PyYAML's reason in the reader's words where the catalogues have it (hito.yamlwords)."""
    problem = getattr(exc, "problem", None)
    return yaml_reason(problem) if isinstance(problem, str) else str(exc)


def _key_lines(root: yaml.Node | None) -> dict[tuple[str, ...], int]:
    """Line of each key of simsetting.yml, two levels deep: (section,) and (section, key)."""
    lines: dict[tuple[str, ...], int] = {}
    if not isinstance(root, yaml.MappingNode):
        return lines
    for k, v in root.value:
        lines[(str(k.value),)] = k.start_mark.line + 1
        if isinstance(v, yaml.MappingNode):
            for k2, _ in v.value:
                lines[(str(k.value), str(k2.value))] = k2.start_mark.line + 1
    return lines


def _unknown_keys(n: Notes, path: Path, doc: dict, at: dict[tuple[str, ...], int]) -> None:
    """Warn of each key neither Flee 3.1 nor hito reads: it changes nothing (often a typo)."""
    hito_reads = {
        "spawn_rules": set(FleeSpawnRules.model_fields) - {"other"},
        "move_rules": set(FleeMoveRules.model_fields) - {"other"},
    }
    for sec, flee_reads in READ_BY_FLEE_31.items():
        section = doc if not sec else doc.get(sec)
        if not isinstance(section, dict):
            continue
        known = flee_reads | hito_reads.get(sec, set())
        for key in section:
            if str(key) in known:
                continue
            near = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.75)
            setting = f"{sec}.{key}" if sec else str(key)
            n.warn(
                path,
                at.get((sec, str(key)) if sec else (str(key),)),
                Problem(
                    "%(setting)s: neither Flee 3.1 nor hito reads this setting, so it changes "
                    "nothing; did you mean %(near)s?",
                    setting=setting,
                    near=f"{sec}.{near[0]}" if sec else near[0],
                )
                if near
                else Problem(
                    "%(setting)s: neither Flee 3.1 nor hito reads this setting, so it changes "
                    "nothing",
                    setting=setting,
                ),
            )


def read_settings(n: Notes, path: Path) -> FleeSettings:
    """``simsetting.yml`` as FleeSettings; Flee 3.1's defaults when absent or unreadable."""
    if not path.exists():
        n.warn(path, None, Problem("missing; Flee 3.1's default settings are used"))
        return FleeSettings()
    text = decode(n, path, path.read_bytes().removeprefix(BOM))
    if text is None:
        return FleeSettings()
    try:
        loader = LastKeyWins(text)  # a key twice: Flee 3.1 runs it with the last value
        root = loader.get_single_node()
        # keys' lines and the paths of keys given twice, read as written (before constructing
        # the mapping rewrites its merge keys)
        at = _key_lines(root)
        twice = [(key, field_path(root, key)) for key in loader.twice]
        doc = (loader.construct_document(root) if root is not None else None) or {}
    except NodeError as exc:  # a date of no calendar day, thousands of digits
        mark = exc.node.start_mark
        n.problem(path, mark.line + 1, mark.column + 1, exc.said(text))
        return FleeSettings()
    except RecursionError:  # brackets nested thousands deep
        n.problem(
            path, None, None, Problem("expected valid YAML: %(reason)s", reason=Problem(TOO_DEEP))
        )
        return FleeSettings()
    except yaml.reader.ReaderError as exc:  # a character YAML forbids (NUL, other controls)
        line = text.count("\n", 0, exc.position) + 1
        n.problem(
            path, line, None, Problem("expected valid YAML: %(reason)s", reason=reader_reason(exc))
        )
        return FleeSettings()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        n.problem(
            path,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            Problem("expected valid YAML: %(reason)s", reason=_reason(exc)),
        )
        return FleeSettings()
    if not isinstance(doc, dict):
        n.problem(path, 1, 1, Problem("expected a mapping of sections"))
        return FleeSettings()
    for key, field in twice:
        n.warn(
            path,
            key.start_mark.line + 1,
            Problem(
                "%(field)s given twice in one mapping; the last value is used, as Flee 3.1 does",
                field=field,
            ),
        )
    for sec, key in sorted(UNSUPPORTED_SETTINGS):
        val = doc.get(key) if not sec else (doc.get(sec) or {}).get(key)
        if val not in (None, False, 0):
            n.problem(
                path,
                at.get((sec, key) if sec else (key,)),
                None,
                Problem(
                    "%(setting)s is not supported by hito's Flee ruleset yet, expected it absent "
                    "or false",
                    setting=f"{sec}.{key}" if sec else key,
                ),
            )

    for key in FAILING_IN_FLEE_31:
        if bool((doc.get("move_rules") or {}).get(key)):  # Flee reads it with bool()
            n.problem(
                path,
                at.get(("move_rules", key)),
                None,
                Problem(
                    "move_rules.%(setting)s: Flee 3.1 fails on it (flee/moving.py calls "
                    "spawning.getAttributeRatio, which it never imports: NameError), expected "
                    "it absent or false",
                    setting=key,
                ),
            )

    _unknown_keys(n, path, doc, at)

    def split(section: Any, model: type[FleeMoveRules] | type[FleeSpawnRules]) -> dict[str, Any]:
        section = dict(section or {})
        known = set(model.model_fields) - {"other"}
        out = {k: v for k, v in section.items() if k in known}
        out["other"] = {k: v for k, v in section.items() if k not in known}
        return out

    if (doc.get("move_rules") or {}).get("awareness_level") == 0:
        n.problem(
            path,
            at.get(("move_rules", "awareness_level")),
            None,
            Problem(
                "move_rules.awareness_level 0 (a link drawn at random, flee/moving.py) is not "
                "supported by hito's Flee ruleset yet, expected 1 or more"
            ),
        )
    if (doc.get("spawn_rules") or {}).get("conflict_driven_spawning") is not None:
        n.warn(
            path,
            at.get(("spawn_rules", "conflict_driven_spawning")),
            Problem(
                "spawn_rules.conflict_driven_spawning: people leave conflict zones at a daily "
                "rate, not by the UNHCR totals; Flee 3.1 then keeps its raw UNHCR count at 0, so "
                "its ARD divides each day's absolute differences by 1, and hito's does too"
            ),
        )
    try:
        opt = dict(doc.get("optimisations") or {})
        settings = FleeSettings(
            log_levels=dict(doc.get("log_levels") or {}),
            spawn_rules=FleeSpawnRules(**split(doc.get("spawn_rules"), FleeSpawnRules)),
            move_rules=FleeMoveRules(**split(doc.get("move_rules"), FleeMoveRules)),
            hasten=int(opt.pop("hasten", 1)),
            other={
                k: v
                for k, v in doc.items()
                if k not in ("log_levels", "spawn_rules", "move_rules", "optimisations")
            }
            | ({"optimisations": opt} if opt else {}),
        )
    except ValidationError as exc:
        for e in exc.errors(include_url=False):
            if e["loc"] == ("awareness_level",) and e["input"] == 0:
                continue  # said above
            key = str(e["loc"][0]) if e["loc"] else ""
            section = next((s for s in ("move_rules", "spawn_rules") if (s, key) in at), None)
            field = ".".join(map(str, (section, *e["loc"]) if section else e["loc"]))
            n.problem(
                path, at.get((section, key)) if section else None, None, field_problem(field, e)
            )
        return FleeSettings()
    except (TypeError, ValueError) as exc:
        n.problem(
            path, None, None, Problem("expected Flee's sections and values: %(exc)s", exc=exc)
        )
        return FleeSettings()
    for key in ("max_move_speed", "max_walk_speed"):
        speed = getattr(settings.move_rules, key)
        if speed < 0:
            n.warn(
                path,
                at.get(("move_rules", key)),
                Problem(
                    "move_rules.%(setting)s %(speed)s: a negative speed; people on a route at "
                    "that speed never reach its end (Flee 3.1 adds it to the km they have gone "
                    "each day), and so in hito",
                    setting=key,
                    speed=speed,
                ),
            )
    return settings
