"""Schemathesis against the OpenAPI document: no 5xx, and every answer is the one documented.

Response conformance is checked on every case: the status code is listed for the
operation, the content type is the documented one, the body matches its schema.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import delete, update

from hito.service import create_app
from hito.store.models import LoginThrottle, User
from service_world import World, settings

SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings(auto_migrate=True)))
OPERATIONS = [r.ok() for r in SCHEMA.get_all_operations()]
EXAMPLES = 5  # per operation and mode: bounded so the suite stays fast


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _send(world: World, case: Any, who: str) -> int:
    kw = case.as_transport_kwargs()
    kw.pop("cookies", None)
    if isinstance(kw.get("data"), bytes | str):
        kw["content"] = kw.pop("data")
    headers = {k: v for k, v in (kw.pop("headers") or {}).items() if k.lower() != "authorization"}
    headers["Authorization"] = f"Bearer {world.tokens[who]}"
    r = world.client.request(headers=headers, **kw)
    case.validate_response(r, checks=CHECKS)
    if r.status_code == 401 and case.path.endswith(("revoke", "users/{user_id}")):
        # the case revoked its own token or disabled its own account: restore and sign in again
        with world.db.session() as s:
            s.execute(update(User).values(active=True))
            s.execute(delete(LoginThrottle))
        world.tokens[who] = world.login(who)
    return r.status_code


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: f"{o.method.upper()} {o.path}")
def test_no_server_error(world: World, op: Any) -> None:
    strategy = op.as_strategy(generation_mode=GenerationMode.POSITIVE) | op.as_strategy(
        generation_mode=GenerationMode.NEGATIVE
    )
    seen: list[int] = []

    @hsettings(
        max_examples=2 * EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        status = _send(world, case, "admin")  # the role that reaches every operation
        seen.append(status)
        assert status < 500, (
            f"{case.method} {case.formatted_path} -> {status}: {case.as_curl_command()}"
        )

    check()
    assert seen and max(seen) < 500
