"""One name for each code, in one place: an alert's severities say one word a level."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from hito import i18n, names
from hito.domain import SEVERITIES

ROOT = Path(__file__).resolve().parents[1]


def _catalogue(lang: str) -> list[tuple[list[str], list[str]]]:
    """The catalogue's entries as (msgid and plural, msgstr forms)."""
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "hito.po", "rb") as fh:
        return [
            (
                [m.id] if isinstance(m.id, str) else list(m.id),
                [m.string] if isinstance(m.string, str) else list(m.string),
            )
            for m in read_po(fh)
            if m.id
        ]


def test_the_severities_are_the_domains_in_its_order() -> None:
    assert list(names.severities(str)) == list(SEVERITIES) == ["info", "warning", "critical"]
    assert names.severities(str) == {
        "info": "information",
        "warning": "warning",
        "critical": "critical",
    }


def test_the_spanish_severities_are_one_part_of_speech_each_an_adjective_of_alerta() -> None:
    """They were "información", "advertencia" (nouns) and "crítica" (an adjective): a list of
    alerts read "información, advertencia, crítica", two things and a quality. Each is now
    what an alert is ("alerta informativa, preventiva, crítica"), never "aviso"."""
    spanish = names.severities(i18n.translations("es").gettext)
    assert spanish == {"info": "informativa", "warning": "preventiva", "critical": "crítica"}
    assert all(re.fullmatch(r"[a-zíó]+a", w) for w in spanish.values())  # feminine, as alerta
    assert not {"información", "advertencia", "aviso"} & set(spanish.values())


def test_each_spanish_entry_that_shows_a_severity_says_it_of_an_alert() -> None:
    """An adjective alone after a colon or a dot ("[hito] preventiva: …") reads as a fragment:
    every entry that puts a severity in a sentence or names the list of them says "alerta"."""
    shows = [
        (ids[0], s)
        for ids, strs in _catalogue("es")
        if any("%(severity)s" in i or i.startswith("Severities") for i in ids)
        for s in strs
    ]
    assert len(shows) >= 4, shows  # the e-mail's subject, the alert page, the form, the table
    for msgid, said in shows:
        if "%(severity)s" in msgid:
            assert "alerta %(severity)s" in said, (msgid, said)
        else:
            assert re.search(r"\balerta\b", said), (msgid, said)


def test_no_spanish_entry_calls_a_severity_aviso() -> None:
    """The warning level was "aviso" on the pages and in the e-mails while other entries said
    "advertencia": an official reading both could take them for two levels."""
    english = names.severities(str)
    for ids, strs in _catalogue("es"):
        if any(re.search(rf"\b(?:{'|'.join(english.values())})s?\b", i, re.I) for i in ids):
            assert not any(re.search(r"\baviso", s, re.I) for s in strs), (ids, strs)


def test_the_severities_words_are_written_only_in_hito_names() -> None:
    """Four copies (two templates, the alert page, the e-mail) became one definition."""
    said = re.compile(
        r"""(?:\b_|\btr|gettext)\(\s*(?:request,\s*)?["'](?:information|warning|critical)["']\s*\)"""
    )
    copies = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "src" / "hito").rglob("*")
        if path.suffix in (".py", ".j2") and said.search(path.read_text("utf-8"))
    ]
    assert copies == ["src/hito/names.py"]
