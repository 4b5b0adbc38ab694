"""Every message of the pages and reports is translated, and the shipped .mo files are current."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from hito import i18n

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "gettext": None, "tr": (2,)}


def extracted() -> set[str]:
    with open(ROOT / "scripts" / "babel.cfg", encoding="utf-8") as fh:
        from babel.messages.frontend import parse_mapping_cfg

        method_map, options_map = parse_mapping_cfg(fh)
    return {
        msg if isinstance(msg, str) else msg[0]
        for _f, _l, msg, _c, _x in extract_from_dir(
            str(ROOT / "src" / "hito"), method_map, options_map, keywords=KEYWORDS
        )
    }


def test_every_message_in_the_sources_is_translated_in_both_catalogues() -> None:
    messages = extracted()
    assert len(messages) > 100
    for lang in i18n.LANGUAGES:
        with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "hito.po", "rb") as fh:
            po = {m.id: m.string for m in read_po(fh) if m.id}
        missing = sorted(messages - set(po))
        assert missing == [], f"{lang}: run scripts/i18n.sh and translate: {missing[:5]}"
        assert [m for m in messages if not po[m]] == []
        compiled = i18n.translations(lang)  # the shipped .mo says what the .po says
        assert [m for m in messages if compiled.gettext(m) != po[m]] == []


def test_spanish_is_the_default_and_formats_follow_the_language() -> None:
    assert i18n.pick(None) == "es" and i18n.pick("fr") == "es" and i18n.pick("en") == "en"
    assert i18n.gettext("es", "Sign in") == "Iniciar sesión"
    assert i18n.number(12345, "en") == "12,345" and i18n.number(1234567, "es") == "1.234.567"
    now = dt.datetime(2025, 12, 3, 12, tzinfo=dt.UTC)
    assert i18n.age(now - dt.timedelta(days=3), now, "es") == "hace 3 días"
    assert i18n.age(now - dt.timedelta(hours=2), now, "en") == "2 hours ago"
