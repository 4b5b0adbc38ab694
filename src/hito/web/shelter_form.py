"""A shelter's registry entry saved from its site page: its numbers, checked beside each field.

The form's required fields (places and covered area) are refused when left blank; water points
and toilets left blank are not known: the registry keeps what it holds, and a first entry asks
for them (0 only when there are none). A blank is never stored as 0.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from hito import i18n
from hito.domain import is_ident
from hito.hxl_cells import parse_count
from hito.store import shelters
from hito.store.errors import InvalidError, StoreError
from hito.store.models import Shelter, Site
from hito.store.shelters import SHELTER_LIMITS
from hito.web import reporting
from hito.web.pages import site_response
from hito.web.session import actor, language, tr

AREA = re.compile(r"\d+(?:[.,]\d*)?")  # m², with a decimal point or comma
REQUIRED = ("capacity_people", "area_m2")  # as the form marks them

router = APIRouter(include_in_schema=False)


def _number(raw: str, *, whole: bool) -> float | int | None:
    """A registry number typed on the site page, or None when it is not one.

    Whole numbers are read as every count is (1200, 1.200, 1,200); an area also as a decimal,
    with a point or a comma (12,5 or 12.5 m²).
    """
    if whole:
        value = parse_count(raw)
        return int(value) if isinstance(value, float) else None
    if not AREA.fullmatch(raw):  # not nan, inf, 1e3 nor 1_000, which float() reads
        return None
    return float(raw.replace(",", "."))


def _labels(request: Request) -> dict[str, str]:
    return {  # as the form names them
        "capacity_people": tr(request, "Places (people)"),
        "area_m2": tr(request, "Covered area (m²)"),
        "water_points": tr(request, "Water points"),
        "toilets": tr(request, "Toilets"),
        "status": tr(request, "Status"),
    }


def _read(
    request: Request, form: Any, stored: Shelter | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's numbers, and each field's problem (after its label) by the field's name."""
    labels = _labels(request)
    numbers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, most in SHELTER_LIMITS.items():
        raw = str(form.get(name, "")).strip()
        if not raw:
            if name in REQUIRED:
                problems[name] = f"{labels[name]}: " + tr(
                    request, "Write the number; it is needed."
                )
            elif stored is not None:  # not known: the registry keeps what it holds
                numbers[name] = getattr(stored, name)
            else:
                problems[name] = f"{labels[name]}: " + tr(
                    request, "The registry has none yet: write the number (0 if there are none)."
                )
            continue
        value = _number(raw, whole=name != "area_m2")
        if value is None:
            word = (
                tr(request, "Write a number of 0 or more.")
                if name == "area_m2"
                else tr(request, "Write a whole number of 0 or more.")
            )
            problems[name] = f"{labels[name]}: {word} ({raw})"
        elif value > most:
            said = {"given": raw, "most": i18n.number(most, language(request))}
            problems[name] = (
                f"{labels[name]}: "
                + tr(request, "%(given)s is more than %(most)s: check the number.") % said
            )
        else:
            numbers[name] = value
    return numbers, problems


def _other_country(request: Request, site: Site, own: str | None) -> str:
    """Why an editor or an admin of the other country may not register this shelter, in words."""
    return tr(
        request,
        "This shelter (%(site)s) is in %(country)s: only an agency or an administrator of "
        "%(country)s (or the service's operator) may register it, and yours is of %(own)s.",
    ) % reporting.site_words(request, site, own)


@router.post("/sites/{site_id}/shelter")
async def shelter_save(request: Request, site_id: str) -> Response:
    """Save a shelter's registry entry from its page, then show the page again."""
    who = actor(request)
    if not is_ident(site_id):  # no site has this id: the page says so (no query with it)
        return site_response(request, site_id)
    form = await request.form()
    problems: dict[str, str] = {}
    try:
        with request.app.state.db.session() as session:
            site = session.get(Site, site_id)
            if site is not None and who.role != "viewer" and not who.may_act_in(site.country_code):
                problems["form"] = _other_country(request, site, who.country_code)
            else:
                numbers, problems = _read(request, form, session.get(Shelter, site_id))
                if not problems:
                    shelters.register(
                        session,
                        actor=who,
                        site_id=site_id,
                        status=str(form.get("status", "open")),
                        **numbers,
                    )
    except InvalidError as exc:
        problems = {"form": " ".join(exc.by_label(_labels(request), language(request)))}
    except StoreError as exc:
        problems = {"form": " ".join(exc.in_language(language(request)))}
    if problems:
        typed = {k: str(form.get(k, "")) for k in (*SHELTER_LIMITS, "status")}
        return site_response(request, site_id, 422, problems, typed)
    return RedirectResponse(f"/sites/{site_id}", status_code=303)
