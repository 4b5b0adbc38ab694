"""Settings: built by a factory from the environment, a file and overrides."""

from __future__ import annotations

import pytest

from hito.errors import InputError
from hito.store.settings import load_settings

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def test_environment_file_and_overrides(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("HITO_TOKEN_TTL_MINUTES", "30")
    f = tmp_path / "hito.env"
    f.write_text("HITO_DATABASE_URL=postgresql://u@db:5432/hito\nHITO_MAX_UPLOAD_BYTES=1000\n")
    s = load_settings(f, login_max_failures=9)
    assert (s.token_ttl_minutes, s.max_upload_bytes, s.login_max_failures) == (30, 1000, 9)
    assert s.resolved_database_url() == "postgresql+psycopg://u@db:5432/hito"


def test_default_database_is_a_sqlite_file_in_the_user_data_dir(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    monkeypatch.delenv("HITO_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert load_settings().resolved_database_url() == f"sqlite:///{tmp_path}/hito/hito.sqlite3"


def test_missing_settings_file_is_named(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(InputError, match="nope.env: no such settings file"):
        load_settings(tmp_path / "nope.env")


def test_a_bad_value_in_the_environment_is_named_with_what_was_expected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HITO_TOKEN_TTL_MINUTES", "abc")
    monkeypatch.setenv("HITO_FORECAST_DAYS", "1000")
    with pytest.raises(InputError) as err:
        load_settings()
    assert err.value.in_language("en") == [
        "HITO_TOKEN_TTL_MINUTES (the environment): Input should be a valid integer, unable to "
        "parse string as an integer; got 'abc'",
        "HITO_FORECAST_DAYS (the environment): Input should be less than or equal to 365; got "
        "'1000'",
    ]
    assert err.value.in_language("es") == [
        # not "se esperaba un número entero válido; el texto no se puede leer como número entero"
        "HITO_TOKEN_TTL_MINUTES (el entorno): se esperaba un número entero; se recibió 'abc'",
        "HITO_FORECAST_DAYS (el entorno): se esperaba un valor menor o igual que 365; se "
        "recibió '1000'",
    ]


def file_problems(tmp_path, text: str) -> tuple[object, list[str]]:  # noqa: ANN001
    """A settings file of this text: its path and the problems load_settings says of it."""
    f = tmp_path / "hito.env"
    f.write_text(text)
    with pytest.raises(InputError) as err:
        load_settings(f)
    return f, err.value.in_language("en")


def test_a_bad_value_in_a_settings_file_names_the_file(tmp_path) -> None:  # noqa: ANN001
    f, said = file_problems(tmp_path, "HITO_LOGIN_MAX_FAILURES=-3\n")
    assert said == [
        f"HITO_LOGIN_MAX_FAILURES ({f} or the environment): Input should be greater than 0; "
        "got '-3'"
    ]


def test_a_settings_file_line_that_is_no_setting_is_named_at_its_line(tmp_path) -> None:  # noqa: ANN001
    f, said = file_problems(
        tmp_path, 'HITO_MAX_UPLOAD_BYTES=1000\nGARBAGE LINE\n# a comment\n\nA="unclosed\n'
    )
    assert said == [
        f"{f}:2: got 'GARBAGE LINE', expected NAME=VALUE, a # comment or an empty line",
        f"{f}:5: got 'A=\"unclosed', expected NAME=VALUE, a # comment or an empty line",
    ]


def test_a_setting_given_twice_in_a_file_is_refused_at_its_second_line(tmp_path) -> None:  # noqa: ANN001
    """dotenv keeps the last value silently: a second HITO_DATABASE_URL pointed elsewhere."""
    f, said = file_problems(
        tmp_path,
        "HITO_DATABASE_URL=sqlite:///a.sqlite3\n# the other one\nHITO_DATABASE_URL=sqlite:///b\n",
    )
    assert said == [
        f"{f}:3: HITO_DATABASE_URL: given again (first at line 1); expected each setting once "
        "(the second would silently replace the first)"
    ]


def test_a_misspelt_setting_in_a_file_is_refused_not_silently_ignored(tmp_path) -> None:  # noqa: ANN001
    """HITO_DATABSE_URL was ignored: `hito db upgrade` worked on the default database."""
    f, said = file_problems(
        tmp_path,
        "HITO_DATABSE_URL=sqlite:////tmp/x.sqlite3\nHITO_TOKEN_TTL_MINUTS=5\nHITO_PASSWORD=x\n"
        "HITO_QQQ=1\nOTHER_PROGRAM=1\n",
    )
    assert said == [
        f"{f}:1: HITO_DATABSE_URL: no such setting (did you mean HITO_DATABASE_URL?); a "
        "misspelt setting would be ignored, its default used",
        f"{f}:2: HITO_TOKEN_TTL_MINUTS: no such setting (did you mean HITO_TOKEN_TTL_MINUTES?); "
        "a misspelt setting would be ignored, its default used",
        f"{f}:3: HITO_PASSWORD: read from the environment only; in a settings file it does nothing",
        f"{f}:4: HITO_QQQ: no such setting; expected one of hito's (docs/service.md), "
        "a misspelt setting would be ignored, its default used",
    ]


def test_a_setting_given_again_in_other_letters_is_refused_too(tmp_path) -> None:  # noqa: ANN001
    """Settings are read whatever the case of their names: the second would win silently."""
    f, said = file_problems(
        tmp_path, "HITO_DATABASE_URL=sqlite:///a.sqlite3\nhito_database_url=sqlite:///b\n"
    )
    assert said == [
        f"{f}:2: hito_database_url: given again (first at line 1); expected each setting once "
        "(the second would silently replace the first)"
    ]


def test_another_programs_setting_given_twice_in_a_shared_file_is_not_hitos_to_refuse(
    tmp_path,  # noqa: ANN001
) -> None:
    f = tmp_path / "shared.env"
    f.write_text("PGPORT=5432\nHITO_LOGIN_MAX_FAILURES=4\nPGPORT=5433\n")
    assert load_settings(f).login_max_failures == 4


def test_a_settings_file_that_is_not_text_or_a_folder(tmp_path) -> None:  # noqa: ANN001
    f = tmp_path / "hito.env"
    f.write_bytes(b"\xff\xfeH\x00")
    with pytest.raises(InputError) as err:
        load_settings(f)
    assert err.value.in_language("es") == [
        f"{f}:1: el byte 0 no es texto UTF-8; se esperaba un archivo de texto en UTF-8 (un "
        "editor lo guarda como UTF-8)"
    ]
    with pytest.raises(InputError) as err:
        load_settings(tmp_path)
    assert err.value.in_language("en") == [f"{tmp_path}: cannot read the file (it is a folder)"]


def test_a_json_setting_that_is_not_json_shows_what_json_it_takes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HITO_TRUSTED_ORIGINS", "https://a.example")  # a list, in JSON
    with pytest.raises(InputError) as err:
        load_settings()
    assert err.value.in_language("en") == [
        "HITO_TRUSTED_ORIGINS (the environment): expected a JSON value, such as "
        '["https://hito.example.org"]'
    ]


def test_a_problem_inside_a_json_setting_names_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HITO_NEEDS", '{"water_l_per_person_day": {"value": 20, "unit": "L"}}')
    with pytest.raises(InputError) as err:
        load_settings()
    assert err.value.in_language("en") == [
        "HITO_NEEDS.water_l_per_person_day.source (the environment): Field required; got "
        "{'value': 20, 'unit': 'L'}"
    ]


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        (
            "HITO_LANGUAGE",
            "fr",
            "HITO_LANGUAGE (the environment): Input should be 'es' or 'en'; got 'fr'",
        ),
        (
            "HITO_ZONE",
            "Mars",
            "HITO_ZONE (the environment): expected one of: America/Santiago, America/Lima, "
            "America/La_Paz, UTC; got 'Mars'",
        ),
    ],
)
def test_a_language_or_zone_hito_does_not_have_is_refused(
    name: str, value: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(InputError) as err:
        load_settings()
    assert err.value.in_language("en") == [said]


def test_allowed_hosts_default_to_the_local_addresses_and_refuse_a_url_or_a_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`make run` serves 127.0.0.1: allowed by default; a URL or a host:port (which no Host
    header matches once its port is cut, so every request would be refused) is named."""
    monkeypatch.delenv("HITO_ALLOWED_HOSTS")  # the tests' own hosts (tests/conftest.py)
    assert load_settings().allowed_hosts == ["127.0.0.1", "localhost"]
    monkeypatch.setenv("HITO_ALLOWED_HOSTS", '["hito.example.org", "*.hito.example.org"]')
    assert load_settings().allowed_hosts == ["hito.example.org", "*.hito.example.org"]
    monkeypatch.setenv("HITO_ALLOWED_HOSTS", '["https://hito.example.org", "hito.org:8443"]')
    with pytest.raises(InputError) as err:
        load_settings()
    assert err.value.in_language("en") == [
        "HITO_ALLOWED_HOSTS (the environment): expected host names without a scheme or a port, "
        "such as hito.example.org, 127.0.0.1 or *.example.org for its subdomains (* for any "
        "host); got ['https://hito.example.org', 'hito.org:8443']"
    ]
    assert err.value.in_language("es")[0].startswith(
        "HITO_ALLOWED_HOSTS (el entorno): se esperaban nombres de servidor sin esquema ni puerto"
    )
    monkeypatch.setenv("HITO_ALLOWED_HOSTS", "hito.example.org")  # not JSON
    with pytest.raises(InputError) as err:
        load_settings()
    assert err.value.in_language("en") == [
        "HITO_ALLOWED_HOSTS (the environment): expected a JSON value, such as "
        '["hito.example.org", "127.0.0.1"]'
    ]
