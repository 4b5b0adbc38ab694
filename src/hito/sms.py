"""Field reports by SMS: `SITE PEOPLE STRANDED` parsed, and the answers in the sender's language.

PEOPLE may be marked as "more than" it, `+100` or `>100` (an open-ended count, as
`hito.counts.Count` holds it: at least 100 people, and at least the stranded said among them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hito import i18n
from hito.counts import MAX_PEOPLE
from hito.hxl_cells import parse_count

EXAMPLE = "CHACALLUTA 120 80"
MORE_THAN = ("+", ">", "≥")  # before PEOPLE: more than that many (+100, >100)
_PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")


@dataclass(frozen=True)
class SmsReport:
    """What a good message says: a site, the people counted and the stranded among them."""

    site_id: str
    people: int
    stranded: int
    at_least: bool = False  # PEOPLE was written +100 or >100: at least that many


class SmsProblem(Exception):
    """A message that cannot become a report; `text` is the answer to send back."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def phone(number: str) -> str | None:
    """A phone number in E.164 (+ and digits), or None when it is not one."""
    n = re.sub(r"[\s().\-]", "", number or "")
    if n.startswith("00"):
        n = "+" + n[2:]
    return n if _PHONE.match(n) else None


def _site_key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_]+", "-", plain.strip().lower())


def parse(body: str, site_ids: Iterable[str], language: str) -> SmsReport:
    """Read `SITE PEOPLE STRANDED`; a precise SmsProblem (in `language`) for anything else."""
    _ = i18n.translations(language).gettext
    words = (body or "").split()
    sites = sorted(site_ids)
    if len(words) != 3:
        raise SmsProblem(
            i18n.translations(language).ngettext(
                "Write: SITE PEOPLE STRANDED, e.g. %(example)s (got %(n)s word).",
                "Write: SITE PEOPLE STRANDED, e.g. %(example)s (got %(n)s words).",
                len(words),
            )
            % {"example": EXAMPLE, "n": len(words)}
        )
    site, people_text, stranded_text = words
    key = _site_key(site)
    if key not in sites:
        raise SmsProblem(
            _("Unknown site %(site)s. Sites: %(sites)s.")
            % {"site": site, "sites": ", ".join(s.upper() for s in sites)}
        )
    at_least = people_text.startswith(MORE_THAN) and len(people_text) > 1
    if at_least:
        people_text = people_text[1:]
    numbers = []
    for what, text in ((_("people"), people_text), (_("stranded"), stranded_text)):
        value = parse_count(text)  # as every count is read: 1200, 1.200 or 1,200
        if not isinstance(value, float):
            raise SmsProblem(
                _("%(what)s must be a whole number, got %(text)s. E.g. %(example)s")
                % {"what": what, "text": text, "example": EXAMPLE}
            )
        if value > MAX_PEOPLE:
            raise SmsProblem(
                _("%(what)s: %(text)s is more than %(max)s: check the number.")
                % {"what": what, "text": text, "max": i18n.number(MAX_PEOPLE, language)}
            )
        numbers.append(int(value))
    people, stranded = numbers
    if stranded > people:
        raise SmsProblem(
            _("Stranded (%(s)s) cannot be more than people (%(p)s).") % {"s": stranded, "p": people}
        )
    return SmsReport(site_id=key, people=people, stranded=stranded, at_least=at_least)


def confirmation(report: SmsReport, report_id: int, language: str) -> str:
    """The answer to a stored report."""
    _ = i18n.translations(language).gettext

    def said(n: int) -> str:
        return _("more than %(n)s") % {"n": n} if report.at_least else str(n)

    # "people: 1", not "1 people": a phone's count may be one person
    return _("Report %(id)s stored: %(site)s, people: %(p)s, stranded: %(s)s. Thank you.") % {
        "id": report_id,
        "site": report.site_id.upper(),
        "p": said(report.people),
        "s": said(report.stranded),
    }


def not_registered(language: str) -> str:
    """The answer to a number that may not send reports."""
    _ = i18n.translations(language).gettext
    return _("This number is not registered to send reports. Ask your agency's hito editor.")


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the sorted form fields."""
    data = url + "".join(k + params[k] for k in sorted(params))
    mac = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def twiml(text: str) -> str:
    """An answer a Twilio-style gateway sends back as an SMS."""
    from xml.sax.saxutils import escape

    head = '<?xml version="1.0" encoding="UTF-8"?>'
    return f"{head}<Response><Message>{escape(text)}</Message></Response>"
