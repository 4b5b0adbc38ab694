"""Reports by SMS: a gateway's form post, registered numbers, precise answers, stored once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from hito import sms
from hito.store import sms as sms_store
from hito.store.models import FieldReport, SmsMessage
from service_world import World

TOKEN = "gateway-secret-123"
URL = "http://127.0.0.1:8000/api/v1/sms/inbound"


def _on(world: World) -> None:
    app = world.client.app
    app.state.settings = app.state.settings.model_copy(
        update={"sms_token": TOKEN, "public_url": "http://127.0.0.1:8000"}
    )
    r = world.client.post(
        "/api/v1/sms/senders",
        json={"phone": "+56 9 1234 5678", "label": "Chacalluta team"},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 201 and r.json()["phone"] == "+56912345678", r.text


def _twilio(
    world: World, body: str, sid: str = "SM1", sender: str = "+56912345678", sign: bool = True
):  # noqa: ANN202
    form = {"MessageSid": sid, "From": sender, "To": "+5658000000", "Body": body}
    headers = {"X-Twilio-Signature": sms.twilio_signature(TOKEN if sign else "wrong", URL, form)}
    return world.client.post("/api/v1/sms/inbound", data=form, headers=headers)


def _count(world: World, table) -> int:  # noqa: ANN001
    with world.db.session(readonly=True) as s:
        return int(s.scalar(select(func.count()).select_from(table)))


def test_a_registered_number_reports_site_people_stranded_and_gets_a_confirmation(
    world: World,
) -> None:
    _on(world)
    r = _twilio(world, "CHACALLUTA 120 80")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
    assert r.headers["X-Hito-Outcome"] == "stored"
    with world.db.session(readonly=True) as s:
        (rep,) = s.scalars(select(FieldReport))
        assert (rep.site_id, rep.people, rep.stranded, rep.agency_id) == (
            "chacalluta",
            120,
            80,
            world.ids["chl"],
        )
        assert rep.idempotency_key == "sms:twilio:SM1"
    assert r.text.endswith(
        f"<Message>Reporte {rep.id} guardado: CHACALLUTA, personas: 120, varadas: 80. Gracias.</Message></Response>"
    )


def test_the_same_gateway_id_is_stored_once_and_answered_the_same(world: World) -> None:
    _on(world)
    first = _twilio(world, "concordia-strip 200 150", sid="SMdup")
    again = _twilio(world, "concordia-strip 200 150", sid="SMdup")
    assert again.text == first.text and again.headers["Idempotent-Replayed"] == "true"
    assert (_count(world, FieldReport), _count(world, SmsMessage)) == (1, 1)


def test_the_same_message_sent_twice_at_once_makes_one_report(world: World) -> None:
    _on(world)
    msg = sms_store.Inbound("twilio", "SMrace", "+56912345678", "CHACALLUTA 10 5")
    answers: list[sms_store.Answer] = []
    threads = [
        threading.Thread(target=lambda: answers.append(sms_store.receive(world.db, msg)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({a.report_id for a in answers}) == 1 and len({a.text for a in answers}) == 1
    assert (_count(world, FieldReport), _count(world, SmsMessage)) == (1, 1)


def test_each_mistake_gets_a_precise_answer_and_stores_no_report(world: World) -> None:
    _on(world)
    cases = [
        ("CHACALUTA 120 80", "Sitio desconocido CHACALUTA. Sitios: "),
        (
            "CHACALLUTA 80 120",
            "Las personas varadas (120) no pueden ser más que las personas (80).",
        ),
        (
            "CHACALLUTA ciento 80",
            "personas: se esperaba un número entero de 0 o más; se recibió ciento.",
        ),
        (
            "CHACALLUTA ² 0",
            "personas: se esperaba un número entero de 0 o más; se recibió ².",
        ),  # int() fails
        (
            "CHACALLUTA 12,5 0",
            "personas: se esperaba un número entero de 0 o más; se recibió 12,5.",
        ),
        (
            "CHACALLUTA 5 -1",
            "varadas: se esperaba un número entero de 0 o más; se recibió -1.",
        ),
        (
            "hola",
            "Escriba: SITIO PERSONAS VARADAS, p. ej. CHACALLUTA 120 80 (se recibió 1 palabra).",
        ),
        ("CHACALLUTA 2000000 0", "personas: 2000000 es más de 1.000.000: revise el número."),
    ]
    for i, (text, words) in enumerate(cases):
        r = _twilio(world, text, sid=f"SMbad{i}")
        assert r.status_code == 200 and r.headers["X-Hito-Outcome"] == "refused"
        assert words in r.text, (text, r.text)
    assert (
        "Sitios: ARICA-SHELTERS, CHACALLUTA, CHUNGARA, COLCHANE, CONCORDIA-STRIP,"
        in _twilio(world, "X 1 1", sid="SMx").text
    )
    assert _count(world, FieldReport) == 0 and _count(world, SmsMessage) == 9


def test_thousands_are_read_as_a_field_team_writes_them() -> None:
    """1.200 (Chile and Peru) and 1,200 are twelve hundred, as in every other count reader."""
    for body in ("CHACALLUTA 1.200 1.150", "chacalluta 1,200 1,150", "Chacalluta 1200 1150"):
        assert sms.parse(body, ["chacalluta"], "es") == sms.SmsReport("chacalluta", 1200, 1150)


def test_unregistered_numbers_bad_signatures_and_a_gateway_without_a_token(world: World) -> None:
    r = _twilio(world, "CHACALLUTA 1 1")
    assert r.status_code == 404 and "HITO_SMS_TOKEN" in r.json()["detail"]
    _on(world)
    r = _twilio(world, "CHACALLUTA 1 1", sender="+51987654321")
    assert "no está registrado" in r.text and r.headers["X-Hito-Outcome"] == "refused"
    with world.db.session(readonly=True) as s:
        assert s.scalar(select(SmsMessage.phone)) == "…321"  # an unknown number is not kept whole
    assert _twilio(world, "CHACALLUTA 1 1", sid="SM9", sign=False).status_code == 401
    assert _count(world, FieldReport) == 0


def test_a_rapidpro_style_post_with_a_token_header_gets_json(world: World) -> None:
    _on(world)
    form = {"id": "rp-78", "from": "+56912345678", "text": "chacalluta 30 0"}
    r = world.client.post("/api/v1/sms/inbound", data=form, headers={"X-Hito-Token": TOKEN})
    assert r.json()["outcome"] == "stored" and r.json()["report_id"] > 0
    bad = world.client.post(
        "/api/v1/sms/inbound", data={"foo": "bar"}, headers={"X-Hito-Token": TOKEN}
    )
    assert bad.status_code == 422 and "MessageSid, From, Body" in bad.json()["detail"]
    assert (
        world.client.post(
            "/api/v1/sms/inbound", data=form, headers={"X-Hito-Token": "nope"}
        ).status_code
        == 401
    )
    assert (
        world.client.post(
            "/api/v1/sms/senders", json={"phone": "12345"}, headers=world.h("ed_chl")
        ).status_code
        == 422
    )


def test_a_token_or_signature_with_non_ascii_characters_is_refused_not_a_server_error(
    world: World,
) -> None:
    """hmac.compare_digest refuses str with non-ASCII characters (TypeError): 401, not 500."""
    _on(world)
    form = {"id": "rp-79", "from": "+56912345678", "text": "chacalluta 30 0"}
    for header in ("X-Hito-Token", "X-Twilio-Signature"):
        r = world.client.post(
            "/api/v1/sms/inbound", data=form, headers={header: "contraseña".encode("latin-1")}
        )
        assert r.status_code == 401
        assert (
            r.json()["detail"] == "the gateway's signature or token does not match HITO_SMS_TOKEN"
        )
    assert _count(world, FieldReport) == 0


def test_plus_100_or_more_than_100_is_an_open_ended_count(world: World) -> None:
    assert sms.parse("CHACALLUTA >100 100", ["chacalluta"], "es") == sms.SmsReport(
        "chacalluta", 100, 100, at_least=True
    )
    _on(world)
    r = _twilio(world, "CHACALLUTA +100 100")
    assert r.headers["X-Hito-Outcome"] == "stored"
    with world.db.session(readonly=True) as s:
        (rep,) = s.scalars(select(FieldReport))
        (c,) = rep.counts
        assert (rep.people, rep.stranded, rep.at_least) == (100, 100, True)
        assert (c.people_low, c.people_high) == (100, None)
    assert r.text.endswith(
        f"<Message>Reporte {rep.id} guardado: CHACALLUTA, personas: más de 100, varadas: más de "
        "100. Gracias.</Message></Response>"
    )


def test_a_lone_plus_or_a_plus_before_no_number_is_refused() -> None:
    with pytest.raises(sms.SmsProblem) as lone:
        sms.parse("CHACALLUTA + 100", ["chacalluta"], "en")
    assert (
        lone.value.text
        == "people must be a whole number of 0 or more, got +. E.g. CHACALLUTA 120 80"
    )
    with pytest.raises(sms.SmsProblem) as word:
        sms.parse("CHACALLUTA +x 100", ["chacalluta"], "en")
    assert (
        word.value.text
        == "people must be a whole number of 0 or more, got x. E.g. CHACALLUTA 120 80"
    )
