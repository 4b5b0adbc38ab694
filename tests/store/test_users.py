"""Users: passwords refused with zxcvbn's reason in the reader's language, not in its English;
an admin of a country manages only the users of its agencies (the operator every user)."""

from __future__ import annotations

import ast
import inspect
from typing import Any

import pytest
from sqlalchemy import select

from hito.store import users
from hito.store.db import Database
from hito.store.errors import ForbiddenError, InvalidError
from hito.store.models import User
from hito.store.users import _GUESSABLE, password_problem


def _zxcvbn_warnings() -> set[str]:
    """Every warning zxcvbn's feedback can give: the `_()` texts it puts under 'warning'."""
    from zxcvbn import feedback

    def text(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
            arg = node.args[0]
            return arg.value if isinstance(arg, ast.Constant) else None
        return None

    found = set()
    for node in ast.walk(ast.parse(inspect.getsource(feedback))):
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "warning" for t in node.targets
        ):
            found.add(text(node.value))
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "warning":
                    found.add(text(value))
    return {t for t in found if t}


def test_every_warning_zxcvbn_gives_has_hitos_words() -> None:
    warnings = _zxcvbn_warnings()
    assert len(warnings) >= 14  # the finder found them (zxcvbn 4.x has 14)
    assert warnings == set(_GUESSABLE)


@pytest.mark.parametrize(
    ("password", "spanish", "english"),
    [
        (
            "abcabcabc1",
            "las repeticiones como «abcabcabc» son apenas más difíciles de adivinar que «abc»",
            'repeats like "abcabcabc" are only slightly harder to guess than "abc"',
        ),
        ("password1", "es una contraseña muy común", "it is a very common password"),
        (
            "smithjones",
            "los nombres y apellidos comunes son fáciles de adivinar",
            "common names and surnames are easy to guess",
        ),
    ],
)
def test_a_guessable_password_is_refused_with_its_reason_in_each_language(
    password: str, spanish: str, english: str
) -> None:
    with pytest.raises(InvalidError) as err:
        password_problem(password, username="pdi")
    es, en = err.value.in_language("es")[0], err.value.in_language("en")[0]
    assert es == (
        f"body.password: se rechaza esta contraseña: {spanish}; elija una más larga, p. ej. "
        "varias palabras sin relación entre sí"
    )
    assert en == (
        f"body.password: this password is refused: {english}; choose a longer one, e.g. several "
        "unrelated words"
    )
    assert err.value.errors[0]["msg"].startswith(f"this password is refused: {english}")


def _user(db: Database, username: str) -> User:
    with db.session(readonly=True) as s:
        row = s.scalar(select(User).where(User.username == username))
        assert row is not None
        return row


def test_chilean_admin_creating_a_peruvian_editor_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        users.create_user(
            s,
            actor=w["admin_chl"],
            username="mole",
            password="",
            password_hash="x",
            role="editor",
            agency_id=w["per"],
        )
    assert err.value.in_language("en") == [
        "you are an admin of CHL: you may not create users of agency 'migraciones-tacna' of "
        "PER, only of CHL"
    ]
    assert err.value.in_language("es") == [
        "usted es administrador de CHL: no puede crear usuarios del organismo "
        "'migraciones-tacna' de PER, solo de CHL"
    ]
    with db.session(readonly=True) as s:
        assert s.scalar(select(User).where(User.username == "mole")) is None


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_chilean_admin_creating_a_user_of_no_agency_is_refused(
    db: Database, w: dict[str, Any], role: str
) -> None:
    """An admin of no agency is the operator: a country's admin cannot make one (nor a viewer
    of no country)."""
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        users.create_user(
            s, actor=w["admin_chl"], username="root2", password="", password_hash="x", role=role
        )
    assert err.value.in_language("en") == [
        "only the service's operator (an admin of no agency) may create users of no agency; you "
        "are an admin of CHL"
    ]


def test_chilean_admin_resetting_a_peruvian_users_password_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    before = _user(db, "ed_per").password_hash
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        users.set_password(
            s, actor=w["admin_chl"], user_id=w["ed_per"].user_id, password_hash="mine", reset=True
        )
    uid = w["ed_per"].user_id  # named by id: their username is not Chile's to read
    assert err.value.in_language("en") == [
        f"user {uid} belongs to an agency of PER; you are an admin of CHL and may not reset "
        "their password"
    ]
    assert err.value.in_language("es") == [
        f"el usuario {uid} pertenece a un organismo de PER; usted es administrador de CHL y no "
        "puede restablecer su contraseña"
    ]
    assert _user(db, "ed_per").password_hash == before


def test_chilean_admin_resetting_the_operators_password_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        users.set_password(
            s, actor=w["admin_chl"], user_id=w["operator"].user_id, password_hash="mine", reset=True
        )
    assert err.value.in_language("en") == [
        f"user {w['operator'].user_id} belongs to no agency: only the service's operator (an admin of no "
        "agency) may reset their password; you are an admin of CHL"
    ]
    assert _user(db, "operator").password_hash == "not-a-hash"


def test_chilean_admin_disabling_a_peruvian_admin_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        users.set_active(s, actor=w["admin_chl"], user_id=w["admin_per"].user_id, active=False)
    assert err.value.in_language("es") == [
        f"el usuario {w['admin_per'].user_id} pertenece a un organismo de PER; usted es "
        "administrador de CHL y no puede activarlo o desactivarlo"
    ]
    assert _user(db, "admin_per").active is True


def test_a_country_admin_creates_resets_and_disables_the_users_of_its_agencies(
    db: Database, w: dict[str, Any]
) -> None:
    with db.session() as s:
        new = users.create_user(
            s,
            actor=w["admin_chl"],
            username="ed_chl_2",
            password="",
            password_hash="x",
            role="editor",
            agency_id=w["chl"],
        )
        users.set_password(s, actor=w["admin_chl"], user_id=new.id, password_hash="y", reset=True)
        users.set_active(s, actor=w["admin_chl"], user_id=w["ed_chl"].user_id, active=False)
    assert (_user(db, "ed_chl_2").password_hash, _user(db, "ed_chl").active) == ("y", False)


def test_the_operator_manages_the_users_of_every_country(db: Database, w: dict[str, Any]) -> None:
    op = w["operator"]
    with db.session() as s:
        users.create_user(
            s,
            actor=op,
            username="ed_per_2",
            password="",
            password_hash="x",
            role="editor",
            agency_id=w["per"],
        )
        users.create_user(
            s, actor=op, username="root2", password="", password_hash="x", role="admin"
        )
        users.set_password(s, actor=op, user_id=w["ed_per"].user_id, password_hash="z", reset=True)
        users.set_active(s, actor=op, user_id=w["admin_chl"].user_id, active=False)
    assert (_user(db, "ed_per").password_hash, _user(db, "admin_chl").active) == ("z", False)
    assert _user(db, "root2").agency_id is None


def test_chilean_admin_listing_and_reading_peruvian_users_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    """A user's username, agency, role and state are their country's: an admin of Chile lists
    and reads the users of Chile's agencies, not Peru's nor those of no agency (the operator's);
    the operator all."""
    listed = {}
    with db.session(readonly=True) as s:
        for who in ("admin_chl", "admin_per", "operator"):
            rows, n = users.list_users(s, actor=w[who])
            listed[who] = sorted(r.username for r in rows)
            assert n == len(rows)
        of_peru, n = users.list_users(s, actor=w["admin_chl"], agency_id=w["per"])
        assert (of_peru, n) == ([], 0)
        for name in ("ed_per", "admin_per", "operator"):
            with pytest.raises(ForbiddenError) as err:
                users.read_user(s, actor=w["admin_chl"], user_id=w[name].user_id)
            assert name not in err.value.in_language("en")[0]
        assert users.read_user(s, actor=w["admin_chl"], user_id=w["ed_chl"].user_id)
        assert users.read_user(s, actor=w["operator"], user_id=w["ed_per"].user_id)
    assert err.value.in_language("en") == [
        f"user {w['operator'].user_id} belongs to no agency of CHL; you are an admin of CHL and "
        "may read only the users of its agencies"
    ]
    assert err.value.in_language("es") == [
        f"el usuario {w['operator'].user_id} no pertenece a ningún organismo de CHL; usted es "
        "administrador de CHL y solo puede consultar los usuarios de los organismos de CHL"
    ]
    assert listed == {
        "admin_chl": ["admin_chl", "ed_chl"],
        "admin_per": ["admin_per", "ed_per"],
        "operator": ["admin_chl", "admin_per", "ed_chl", "ed_per", "operator"],
    }


def test_an_editor_listing_users_is_refused(db: Database, w: dict[str, Any]) -> None:
    with pytest.raises(ForbiddenError), db.session(readonly=True) as s:
        users.list_users(s, actor=w["ed_chl"])


@pytest.mark.parametrize("username", ["ed_chl_3\n", "ed_chl_3\r\n"])
def test_a_username_with_a_trailing_newline_is_refused_not_stored(
    db: Database, w: dict[str, Any], username: str
) -> None:
    """`re.match` with '$' took 'name\\n' (a CLI argument from a script, say) as a username."""
    with db.session() as s, pytest.raises(InvalidError) as err:
        users.create_user(
            s,
            actor=w["admin_chl"],
            username=username,
            password="",
            password_hash="x",
            role="editor",
            agency_id=w["chl"],
        )
    assert err.value.errors[0]["loc"] == ["body", "username"]
    with db.session(readonly=True) as s:
        assert s.scalar(select(User).where(User.username.startswith("ed_chl_3"))) is None
