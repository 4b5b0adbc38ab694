"""Every message of the pages, reports and command help is translated; the shipped .mo files are current."""

from __future__ import annotations

import datetime as dt
import gettext
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from hito import i18n

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "tr": (2,),
    "ngettext": (1, 2),
    "catalogued": None,
    "N_": None,  # hito.plans.notes: marked where written, translated where shown
    "Problem": None,  # hito.errors: the problems of errors, said in the reader's language
}


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


def help_texts() -> set[str]:
    """The texts of the command line's help (scripts/i18n.sh adds them to the template)."""
    import typer

    from hito.cli.helptext import messages
    from hito.cli.main import app

    return messages(typer.main.get_command(app))


def test_every_message_in_the_sources_is_translated_in_both_catalogues() -> None:
    messages = extracted() | help_texts()
    assert len(messages) > 100
    for lang in i18n.LANGUAGES:
        with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "hito.po", "rb") as fh:
            catalogue = read_po(fh)
        entries = [m for m in catalogue if m.id]
        form = gettext.c2py(catalogue.plural_expr)  # Spanish: one, many (1.000.000 de), other
        po = {m.id if isinstance(m.id, str) else m.id[0]: m for m in entries}
        missing = sorted(messages - set(po))
        assert missing == [], f"{lang}: run scripts/i18n.sh and translate: {missing[:5]}"
        strings = {
            k: [m.string] if isinstance(m.string, str) else list(m.string) for k, m in po.items()
        }
        assert [m for m in messages if not all(strings[m])] == []
        compiled = i18n.translations(lang)  # the shipped .mo says what the .po says
        for m in messages:
            e = po[m]
            if isinstance(e.id, str):
                assert compiled.gettext(m) == e.string, m
            else:  # every plural form the language has
                for n in (1, 5, 1_000_000):
                    assert compiled.ngettext(e.id[0], e.id[1], n) == e.string[form(n)], m


def test_spanish_is_the_default_and_formats_follow_the_language() -> None:
    assert i18n.pick(None) == "es" and i18n.pick("fr") == "es" and i18n.pick("en") == "en"
    assert i18n.gettext("es", "Sign in") == "Iniciar sesión"
    assert i18n.number(12345, "en") == "12,345" and i18n.number(1234567, "es") == "1.234.567"
    now = dt.datetime(2025, 12, 3, 12, tzinfo=dt.UTC)
    assert i18n.age(now - dt.timedelta(days=3), now, "es") == "hace 3 días"
    assert i18n.age(now - dt.timedelta(hours=2), now, "en") == "2 hours ago"


def test_a_scenarios_figure_too_large_to_write_out_is_shown_in_scientific_form() -> None:
    """A range up to 1e300 in a scenario was decimal.InvalidOperation out of the run report."""
    assert (
        i18n.figure(1234567.25, "es") == "1.234.567,25"
        and i18n.figure(0.1234567, "en") == "0.123457"
    )
    assert i18n.figure(1e300, "es") == "1E300" and i18n.figure(-2.5e20, "en") == "\u22122.5E20"


def test_times_are_shown_in_the_viewers_zone_with_its_offset() -> None:
    at = dt.datetime(2025, 12, 3, 12, 0, tzinfo=dt.UTC)
    assert i18n.datetime(at, "es", "America/Santiago") == "3 dic 2025, 09:00"  # UTC−3 in summer
    assert i18n.datetime(at, "es", "America/Lima") == "3 dic 2025, 07:00"  # UTC−5
    assert i18n.offset(at, "America/Santiago") == "UTC\u22123"
    assert i18n.offset(at, "America/Lima") == "UTC\u22125"
    late = dt.datetime(2025, 12, 4, 2, 30, tzinfo=dt.UTC)  # the evening before in Lima
    assert i18n.datetime(late, "en", "America/Lima") == "Dec 3, 2025, 21:30"
    assert i18n.iso(late, "America/Santiago") == "2025-12-03T23:30-03:00"
    assert i18n.iso(dt.date(2025, 12, 3)) == "2025-12-03"
    assert i18n.zone("Europe/Paris") == "America/Santiago"  # only the corridor's zones


def test_changes_titles_and_shares_follow_the_language() -> None:
    assert i18n.signed(12, "es") == "+12" and i18n.signed(-1500, "es") == "\u22121.500"
    assert i18n.signed(0, "en") == "±0" and i18n.signed(None, "en") == "—"
    assert i18n.percent(0.9, "es") == "90\xa0%" and i18n.percent(0.9, "en") == "90%"
    assert i18n.localized({"es": "Franja", "en": "Strip"}, "en") == "Strip"
    assert i18n.localized(None, "es", "fallback") == "fallback"


def test_every_audit_action_of_the_service_has_a_name_in_both_languages() -> None:
    """The overview's log names each action in words: never its code (auth.login)."""
    import re

    codes = set()  # every "kind.verb" on a line that sets an audit action
    for path in (ROOT / "src" / "hito").rglob("*.py"):
        for line in path.read_text("utf-8").splitlines():
            if re.search(r"\baction\b\s*=", line):
                codes |= set(re.findall(r"\"([a-z]+\.[a-z_]+)\"", line))
    audited = {c for c in codes if c.split(".")[0] in AUDITED}
    assert {"auth.login", "report.create", "report.withdraw"} <= audited
    for lang in i18n.LANGUAGES:
        env = i18n.environment(("hito.web", "hito.report"), lang)
        names = env.get_template("names.html.j2").module
        unnamed = sorted(c for c in audited if str(names.action(c)).strip() == c)
        assert unnamed == [], f"{lang}: actions shown as their code: {unnamed}"


AUDITED = {  # the kinds of resource the service's audit log records actions on
    "agency",
    "alert",
    "auth",
    "country",
    "forecast",
    "plan",
    "report",
    "shelter",
    "site",
    "sms",
    "subscription",
    "token",
    "user",
}


def test_the_log_names_hito_itself_in_words_not_its_username_system() -> None:
    es = i18n.environment(("hito.web", "hito.report"), "es").get_template("names.html.j2").module
    en = i18n.environment(("hito.web", "hito.report"), "en").get_template("names.html.j2").module
    assert str(es.actor("system")) == "hito (automático)"
    assert str(en.actor("system")) == "hito (automatic)"
    assert str(es.actor("pdi")) == "pdi"  # a user's own name stays as it is


def test_every_zone_is_named_by_whose_clock_it_is() -> None:
    for lang, chile, peru in (
        ("es", "hora de Chile", "hora del Perú"),
        ("en", "Chile time", "Peru time"),
    ):
        env = i18n.environment(("hito.web", "hito.report"), lang, "America/Lima")
        assert env.globals["zone_label"] == peru
        assert env.globals["zone_names"]["America/Santiago"] == chile
        assert set(env.globals["zone_names"]) == set(i18n.ZONES)


def test_a_change_in_percent_has_its_sign_and_the_language_s_style() -> None:
    assert [i18n.signed_percent(v, "en") for v in (0.92, -0.031, 0.001, None)] == [
        "+92%",
        "\u22123%",
        "±0%",
        "—",
    ]
    assert i18n.signed_percent(0.92, "es") == "+92\xa0%"


def test_a_count_of_one_is_said_in_the_singular_in_templates() -> None:
    """The needs panel's people counts go through ngettext: one person, two people."""
    env = i18n.environment(("hito.report",), "es")  # the report's and the pages' environment
    tpl = env.from_string('{{ ngettext("gap %(num)s person", "gap %(num)s people", n, num=n) }}')
    assert [tpl.render(n=n) for n in (1, 2, 0)] == [
        "brecha de 1 persona",
        "brecha de 2 personas",
        "brecha de 0 personas",
    ]
    log = i18n.translations("es").ngettext
    assert log("%(n)s signed head", "%(n)s signed heads", 1) == "%(n)s cabecera firmada"
    assert log("%(n)s signed head", "%(n)s signed heads", 3) == "%(n)s cabeceras firmadas"


def test_negative_numbers_carry_the_typographic_minus_as_the_pages_write_it() -> None:
    """'−3,5' (U+2212) like the signed changes and offsets, not '-3,5'; and never '−0'."""
    assert i18n.number(-3.46, "es", 1) == "\u22123,5"
    assert i18n.number(-1234, "en") == "\u22121,234"
    assert i18n.number(-0.04, "es", 1) == "0,0"
    assert i18n.number(-0.4, "en") == "0"
    assert i18n.minus("-0.25") == "\u22120.25" and i18n.minus("12") == "12"
