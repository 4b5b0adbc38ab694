"""The report intake: a batch stores and refuses exactly what one-by-one posting does."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from hito.counts import Count
from hito.store import audit, intake, logcheck
from hito.store.errors import AuthError, ConflictError, ForbiddenError, InvalidError
from hito.store.groupcommit import GroupCommit
from hito.store.logkey import load_key
from hito.store.models import FieldReport, ReportCount
from service_world import KEY_FILE, World, country_admin, report

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

AT = dt.datetime(2025, 11, 30, 10, tzinfo=dt.UTC)


def _on_own_loop(coro: Any) -> Any:
    """Run a coroutine on a new loop in its own thread (a browser test's loop may be running)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _item(world: World, who: str, **kw: Any) -> intake.Submission:
    values: dict[str, Any] = {
        "token": world.tokens.get(who, who),
        "site_id": "concordia-strip",
        "observed_at": AT,
        "counts": [
            Count(nationality="VEN", documented=False, people=120, stranded=100),
            Count(nationality="COL", documented=True, people=7, stranded=0),
        ],
    }
    values.update(kw)
    return intake.Submission(**values)


def _mixed(world: World) -> list[intake.Submission]:
    return [
        _item(world, "ed_chl", idempotency_key="k1"),
        _item(world, "ed_chl", idempotency_key="k1"),  # its retry, in the same batch
        _item(world, "ed_chl", idempotency_key="k1", remark="other content"),
        _item(world, "ed_chl"),
        _item(world, "ed_chl"),  # the same content without a key: a second report
        _item(world, "viewer"),
        _item(world, "no-such-token"),
        _item(world, "ed_per", site_id="arica-shelters"),  # a Chilean site
        _item(world, "ed_per", site_id="no-such-site"),
        _item(world, "admin"),  # an admin must name the agency
        _item(world, "admin", agency_id=999_999),
        _item(world, "admin", agency_id=world.ids["per"], site_id="santa-rosa"),
        _item(world, "ed_per", observed_at=AT.replace(year=2099)),
    ]


def _outcome(o: Any) -> tuple[str, ...]:
    if isinstance(o, Exception):  # a report's id differs between the two runs
        return (type(o).__name__, re.sub(r"report \d+", "report N", str(o)))
    row, created = o
    return ("created" if created else "replayed", row.site_id, str(row.people))


def test_a_batch_answers_each_report_as_one_by_one_posting_does(world: World) -> None:
    items = _mixed(world)
    with world.db.session() as s:
        batch = intake.store_batch(s, items)
    kinds = [type(o) if isinstance(o, Exception) else o[1] for o in batch]
    assert kinds == [
        True,
        False,
        ConflictError,
        True,
        True,
        ForbiddenError,
        AuthError,
        ForbiddenError,
        InvalidError,
        InvalidError,
        InvalidError,
        True,
        InvalidError,
    ]
    first, retry = batch[0], batch[1]
    assert not isinstance(first, Exception) and not isinstance(retry, Exception)
    assert retry[0].id == first[0].id
    assert batch[3][0].id != batch[4][0].id  # type: ignore[index]
    # the same items one per transaction, on a fresh key: the same answers, word for word
    single = []
    for it in _mixed(world):
        it = intake.Submission(**{**it.__dict__, "idempotency_key": it.idempotency_key and "k2"})
        try:
            with world.db.session() as s:
                single.append(intake.store_one(s, it))
        except Exception as exc:  # noqa: BLE001 - compared below
            single.append(exc)
    assert [_outcome(o) for o in single] == [
        tuple(x.replace("k1", "k2") for x in _outcome(o)) for o in batch
    ]


def test_reports_stored_by_batches_verify_against_the_log(world: World) -> None:
    with world.db.session() as s:
        intake.store_batch(s, _mixed(world))
    with world.db.session() as s:  # a later batch: the key's original, with its counts
        (old, created), *_ = intake.store_batch(s, [_item(world, "ed_chl", idempotency_key="k1")])
    assert not created and [c.nationality for c in old.counts] == ["VEN", "COL"]
    with world.db.session(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(FieldReport)) == 4
        assert s.scalar(select(func.count()).select_from(ReportCount)) == 8
    key = load_key(KEY_FILE, create=True)
    audit.sequence(world.db, key, wait=True)
    with world.db.session(readonly=True) as s:
        result = logcheck.verify(s, key=key)
    assert result.ok, result.problems
    with world.db.session() as s:  # an edit behind the log's back is still named
        s.execute(
            ReportCount.__table__.update()
            .where(ReportCount.id == old.counts[0].id)
            .values(people=121)
        )
    with world.db.session(readonly=True) as s:
        result = logcheck.verify(s, key=key)
    assert not result.ok and any(f"report:{old.id}" in p for p in map(str, result.problems))


def test_a_batch_that_fails_in_the_database_is_stored_one_by_one(world: World) -> None:
    seen: list[int] = []

    def batch(s: Any, items: Any) -> list[Any]:
        seen.append(len(items))
        raise RuntimeError("a database error in the batch")

    writer: GroupCommit[intake.Submission] = GroupCommit(
        world.db, batch=batch, single=lambda s, item: intake.store_one(s, item)
    )
    futures = [writer.submit(i) for i in _mixed(world)[:8]]  # queued before the thread runs
    writer.start()
    outcomes = [f.exception(timeout=60) or f.result() for f in futures]
    writer.stop()
    assert seen == [8]
    assert [type(o).__name__ if isinstance(o, Exception) else o[1] for o in outcomes] == [
        True,
        False,
        "ConflictError",
        True,
        True,
        "ForbiddenError",
        "AuthError",
        "ForbiddenError",
    ]


def test_the_writer_answers_only_after_the_commit_and_refuses_after_stop(world: World) -> None:
    writer = intake.report_intake(world.db)
    writer.start()
    row, created = writer.submit(_item(world, "ed_chl", idempotency_key="c")).result(timeout=60)
    assert created
    with world.db.session(readonly=True) as s:  # another session sees it: it was committed
        assert s.get(FieldReport, row.id) is not None
    writer.stop()
    with pytest.raises(RuntimeError, match="stopped"):
        writer.submit(_item(world, "ed_chl"))


def _route(world: World, body: dict[str, Any], key: str, scheme: str = "Bearer") -> Any:
    headers = {"Authorization": f"{scheme} {world.tokens['ed_chl']}", "Idempotency-Key": key}
    return world.client.post("/api/v1/reports", json=body, headers=headers)


def test_the_hot_path_answers_as_the_route(world: World) -> None:
    # "Bearer" takes the hot path; "bearer" (also valid) goes through the FastAPI route
    fast, slow = _route(world, report(), "hot"), _route(world, report(), "route", "bearer")
    assert fast.status_code == slow.status_code == 201
    assert fast.headers["content-type"] == slow.headers["content-type"]
    assert fast.headers["x-content-type-options"] == "nosniff"  # the security headers apply
    assert "frame-ancestors 'none'" in fast.headers["content-security-policy"]
    a, b = fast.json(), slow.json()
    for k in ("id", "created_at", "idempotency_key"):
        a.pop(k), b.pop(k)
    assert a == b
    again = _route(world, report(), "hot")
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == fast.json()["id"]
    clash = _route(world, report(people=121), "hot")
    clash_route = _route(world, report(people=121), "route", "bearer")
    assert clash.status_code == clash_route.status_code == 409
    assert clash.headers["content-type"] == "application/problem+json"
    assert clash.json()["title"] == clash_route.json()["title"] == "Conflict"
    bad = _route(world, report(people=-1), "bad")  # the route's 422, from the same pydantic model
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][:2] == ["body", "counts"]
    gone = world.client.post(
        "/api/v1/reports", json=report(), headers={"Authorization": "Bearer not-a-token"}
    )
    assert gone.status_code == 401 and gone.headers["www-authenticate"] == "Bearer"


def test_figures_read_once_for_a_batch_are_the_figures_read_each_time(world: World) -> None:
    from hito.store import figures

    for day, who, n in ((1, "ed_chl", 10), (2, "ed_per", 30), (2, "ed_chl", 20), (4, "ed_chl", 5)):
        at = f"2025-11-0{day}T10:00:00Z"
        world.client.post("/api/v1/reports", json=report(at=at, stranded=n), headers=world.h(who))
    days = [dt.date(2025, 11, d) for d in range(1, 6)]
    with world.db.session(readonly=True) as s:
        each = [figures.daily_figures(s, until=d) for d in days]
        each += [figures.daily_figures(s, site_ids=["concordia-strip"], until=d) for d in days]
        with figures.reports_settled(s):
            once = [figures.daily_figures(s, until=d) for d in days]
            once += [figures.daily_figures(s, site_ids=["concordia-strip"], until=d) for d in days]
    assert once == each
    assert each[1]["concordia-strip"][days[1]].figure == 25  # the two agencies' median


def test_coroutines_on_one_loop_are_answered_by_one_batch_after_its_commit(world: World) -> None:

    writer = intake.report_intake(world.db)
    seen: list[bool] = []

    async def post(key: str) -> Any:
        row, created = await writer.store(_item(world, "ed_chl", idempotency_key=key))
        with world.db.session(readonly=True) as s:  # answered only once it is committed
            seen.append(s.get(FieldReport, row.id) is not None)
        return row.idempotency_key, created

    async def main() -> list[Any]:
        tasks = [asyncio.ensure_future(post(k)) for k in ("a", "b", "a", "c")]
        await asyncio.sleep(0.05)  # all four queued before the writer runs: one batch
        writer.start()
        return list(await asyncio.gather(*tasks))

    outcomes = _on_own_loop(main())
    writer.stop()
    assert outcomes == [("a", True), ("b", True), ("a", False), ("c", True)]
    assert seen == [True] * 4
    assert (writer.batches, writer.items) == (1, 4)


def test_a_coroutine_that_stopped_waiting_is_not_stored(world: World) -> None:

    writer = intake.report_intake(world.db)

    async def main() -> None:
        task = asyncio.ensure_future(writer.store(_item(world, "ed_chl", idempotency_key="gone")))
        await asyncio.sleep(0.05)
        task.cancel()  # the client went away before its batch began
        await asyncio.sleep(0.05)
        writer.start()
        await writer.store(_item(world, "ed_chl", idempotency_key="kept"))

    _on_own_loop(main())
    writer.stop()
    with world.db.session(readonly=True) as s:
        keys = set(s.scalars(select(FieldReport.idempotency_key)))
    assert "kept" in keys and "gone" not in keys


def test_a_batch_stores_each_report_on_the_local_day_at_its_site(world: World) -> None:
    """20:00 in Tacna on 1 December (01:00 UTC on the 2nd), 23:30 in Arica on 30 November."""
    tacna = dt.datetime(2025, 12, 2, 1, tzinfo=dt.UTC)
    arica = dt.datetime(2025, 12, 1, 2, 30, tzinfo=dt.UTC)
    items = [
        _item(world, "ed_per", site_id="santa-rosa", observed_at=tacna),
        _item(world, "ed_chl", site_id="chacalluta", observed_at=arica),
    ]
    with world.db.session() as s:
        batch = intake.store_batch(s, items)
    assert [o[0].day for o in batch] == [dt.date(2025, 12, 1), dt.date(2025, 11, 30)]  # type: ignore[index]
    with world.db.session(readonly=True) as s:
        stored = s.execute(select(FieldReport.site_id, FieldReport.day).order_by(FieldReport.id))
        assert stored.all() == [
            ("santa-rosa", dt.date(2025, 12, 1)),
            ("chacalluta", dt.date(2025, 11, 30)),
        ]


def test_chilean_admins_report_for_a_peruvian_agency_in_a_batch_is_refused_alone(
    world: World,
) -> None:
    """As posted one by one: refused (403), the batch's other reports stored."""
    country_admin(world)
    items = [
        _item(world, "admin_chl", agency_id=world.ids["per"]),
        _item(world, "admin_chl", agency_id=world.ids["chl"]),
        _item(world, "admin_chl", agency_id=world.ids["chl"], site_id="santa-rosa"),
        _item(world, "admin", agency_id=world.ids["per"], site_id="chacalluta"),  # the operator
    ]
    with world.db.session() as s:
        batch = intake.store_batch(s, items)
    assert [type(o).__name__ if isinstance(o, Exception) else o[1] for o in batch] == [
        "ForbiddenError",
        True,
        "ForbiddenError",
        True,
    ]
    assert str(batch[0]) == (
        f"agency {world.ids['per']} is of PER; you are an admin of CHL and may post field "
        "reports only for the agencies of CHL"
    )
    with pytest.raises(ForbiddenError) as err, world.db.session() as s:  # one by one: the same
        intake.store_one(s, items[0])
    assert str(err.value) == str(batch[0])
