"""JSON bodies read strictly: a key given twice in one object is refused at its path."""

from __future__ import annotations

import json

import pytest
from fastapi import params
from fastapi.routing import APIRoute

from hito.api.jsonbody import KeyTwice, OnceKeyedRoute, loads
from hito.service import create_app
from service_world import settings


def test_a_key_given_twice_is_named_at_each_place_in_the_order_of_the_text() -> None:
    text = (
        '{"a": 1, "b": [{"c": 1, "c": 2}, {"d": {"e": 1, "e": 2, "f": 1, "f": 2}}],'
        ' "a": 3, "g": {"a": 1}}'
    )
    with pytest.raises(KeyTwice) as refused:
        loads(text.encode())
    assert refused.value.places == [("a",), ("b", 0, "c"), ("b", 1, "d", "e"), ("b", 1, "d", "f")]


def test_the_same_key_in_different_objects_is_not_given_twice() -> None:
    text = '[{"people": 1}, {"people": 2, "x": {"people": 3}}]'
    assert loads(text) == json.loads(text)


def test_a_key_given_twice_deep_in_a_nested_body_is_named_without_recursion() -> None:
    deep = 500
    text = '{"k": ' * deep + '{"x": 1, "x": 2}' + "}" * deep
    with pytest.raises(KeyTwice) as refused:
        loads(text)
    assert refused.value.places == [("k",) * deep + ("x",)]


def _routes(routes: list) -> list[APIRoute]:
    """Every APIRoute of an app, those of its included routers too."""
    out: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append(route)
        elif hasattr(route, "original_router"):
            out.extend(_routes(route.original_router.routes))
    return out


def test_every_route_taking_a_json_body_refuses_a_key_given_twice() -> None:
    app = create_app(settings(database_url="sqlite://"))
    routes = _routes(app.routes)
    json_bodies = [
        r
        for r in routes
        if r.body_field is not None and not isinstance(r.body_field.field_info, params.Form)
    ]
    assert len(json_bodies) > 10
    assert [r.path for r in json_bodies if not isinstance(r, OnceKeyedRoute)] == []
    api = [
        r.path for r in routes if r.path.startswith("/api/") and not isinstance(r, OnceKeyedRoute)
    ]
    assert api == []
