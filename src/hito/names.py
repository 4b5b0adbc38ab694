"""Translated names of the codes users read: countries, kinds of place and policy, roles, etc.

One definition for the pages and reports (the `names.html.j2` macros read them as globals of
the language's template environment, `i18n.environment`) and for the Python that writes labels.
Each function takes the language's gettext, so the catalogues hold every name once.
"""

from __future__ import annotations

from collections.abc import Callable

Gettext = Callable[[str], str]


def countries(_: Gettext) -> dict[str, str]:
    """Country codes -> names."""
    return {
        "CHL": _("Chile"),
        "PER": _("Peru"),
        "BOL": _("Bolivia"),
        "VEN": _("Venezuela"),
        "COL": _("Colombia"),
        "ECU": _("Ecuador"),
        "HTI": _("Haiti"),
        "XXX": _("unspecified"),
    }


def place_kinds(_: Gettext) -> dict[str, str]:
    """Kinds of place -> names."""
    return {
        "border_post": _("border post"),
        "between_posts": _("between the posts"),
        "shelter": _("shelter"),
        "irregular_crossing": _("irregular crossing"),
        "city": _("city"),
        "origin": _("origin"),
        "exit": _("way out of the corridor"),
    }


def policy_kinds(_: Gettext) -> dict[str, str]:
    """Kinds of policy -> names."""
    return {
        "close": _("closure"),
        "reopen": _("reopening"),
        "militarize": _("militarization"),
        "corridor": _("humanitarian corridor"),
        "return_flights": _("return flights"),
        "shelter_capacity": _("shelter room"),
        "readmit": _("readmission"),
        "clearances": _("unannounced clearances"),
        "transfer": _("transfer"),
    }


def zones(_: Gettext) -> dict[str, str]:
    """Time zones of the corridor (hito.i18n.ZONES) -> the name of their clock ('hora de Chile').

    Chile and Peru keep different hours (UTC−3 and UTC−5 in the southern summer): every time shown
    says whose clock it is.
    """
    return {
        "America/Santiago": _("Chile time"),
        "America/Lima": _("Peru time"),
        "America/La_Paz": _("Bolivia time"),
        "UTC": "UTC",
    }


def roles(_: Gettext) -> dict[str, str]:
    """Roles of the service's users -> names."""
    return {"admin": _("administrator"), "editor": _("editor"), "viewer": _("viewer")}


def severities(_: Gettext) -> dict[str, str]:
    """Severities of an alert (`hito.domain.SEVERITIES`, in that order) -> names.

    The pages, the subscription form and the alerts' messages all say them so: one word a level.
    In Spanish each is an adjective of "alerta" ("alerta informativa, preventiva, crítica"), as
    the pages and messages write it ("Niveles de alerta", "[hito] alerta preventiva: …").
    """
    return {"info": _("information"), "warning": _("warning"), "critical": _("critical")}


def outcomes(_: Gettext) -> dict[str, str]:
    """States of an alert's delivery -> names."""
    return {
        "pending": _("waiting to be sent"),
        "sending": _("being sent"),
        "sent": _("sent"),
        "failed": _("failed"),
        "stopped": _("not sent: the subscription was stopped"),
        "acknowledged": _("acknowledged"),
    }


def indicators(_: Gettext) -> dict[str, str]:
    """What a plan's trigger counts -> names."""
    return {
        "stranded": _("people stranded"),
        "shelter_occupancy": _("shelter occupancy"),
        "arrivals": _("arrivals"),
        "diverted": _("people diverting to irregular routes"),
        "need_gap": _("people beyond the free shelter places"),
    }


def final_states(_: Gettext) -> dict[str, str]:
    """What became of people (`hito.ensemble.result.FINAL_STATES`) -> names, as headings."""
    return {
        "diverted": _("Diverted to irregular routes"),
        "harmed": _("Harmed"),
        "crossed": _("Crossed a border"),
        "returned": _("Turned back"),
        "exited": _("Left the corridor"),
    }


# the figures of a run shown in its summary: the run report, hito run and hito sweep
RUN_FIGURES = ("stranded_peak", "stranded_person_days", "diverted", "harmed", "returned", "crossed")


def figures(_: Gettext) -> dict[str, str]:
    """A run's figures (`Ensemble.summary()` keys) -> names, as headings, in one wording.

    The run report, the sweep and the command line name them so; a final state is counted by
    the run's end.
    """
    return {
        "stranded_peak": _("Peak stranded"),
        "stranded_person_days": _("Stranded person-days"),
        "conservation_error": _("People balance error"),
        **{k: _("%(state)s by the end") % {"state": v} for k, v in final_states(_).items()},
    }


def comparisons(_: Gettext) -> dict[str, str]:
    """A trigger's comparison with its threshold -> words."""
    return {">=": _("at least"), ">": _("more than"), "<=": _("at most"), "<": _("less than")}
