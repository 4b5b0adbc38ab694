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
    assert names.severities(i18n.translations("es").gettext) == {
        "info": "información",
        "warning": "advertencia",
        "critical": "crítica",
    }


def test_each_severity_is_one_spanish_word_in_every_catalogue_entry_that_names_it() -> None:
    """The warning level was "aviso" on the pages and in the e-mails, while the catalogue's
    other warnings said "advertencia": an official reading both could take them for two levels.
    Every entry whose English names a level ("warning", "warnings") says its one Spanish word."""
    english = names.severities(str)
    spanish = names.severities(i18n.translations("es").gettext)
    entries = _catalogue("es")
    for code in SEVERITIES:
        word = re.compile(rf"\b{re.escape(english[code])}s?\b", re.IGNORECASE)
        own = re.compile(rf"\b{re.escape(spanish[code])}s?\b", re.IGNORECASE)
        naming = [(ids, strs) for ids, strs in entries if any(word.search(i) for i in ids)]
        assert naming, f"no catalogue entry names {english[code]!r}"
        other = [(ids[0], s) for ids, strs in naming for s in strs if not own.search(s)]
        assert other == [], f"{code}: expected {spanish[code]!r} in each of {other}"


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
