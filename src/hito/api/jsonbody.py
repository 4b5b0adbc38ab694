"""JSON request bodies read strictly: a key given twice in one object is refused, where it is.

Python's `json.loads` keeps the last of a repeated key; another parser may keep the first. A
report whose meaning depends on that choice is refused (422) naming the repeated key's path.
Every API router builds its routes as `OnceKeyedRoute`; the report hot path reads with `loads`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

EXPECTED = "given twice in one object; expected each key once"


class KeyTwice(json.JSONDecodeError):
    """A JSON text with a key given twice in an object; `places` is each such key's path."""

    def __init__(self, doc: str, places: list[tuple[str | int, ...]]) -> None:
        super().__init__("a key given twice in one object", doc, 0)
        self.places = places


class _Repeated(dict[str, Any]):
    """An object that gave keys twice (the last value kept), with those keys."""

    repeated: list[str]


def loads(text: str | bytes) -> Any:
    """`json.loads`, but a key given twice in any object is a KeyTwice naming each place."""
    found = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        found = True
        out = _Repeated(obj)
        seen: set[str] = set()
        out.repeated = []
        for key, _value in items:
            if key in seen and key not in out.repeated:
                out.repeated.append(key)
            seen.add(key)
        return out

    data = json.loads(text, object_pairs_hook=pairs)
    if not found:
        return data
    doc = text if isinstance(text, str) else text.decode("utf-8", "replace")
    raise KeyTwice(doc, list(_places(data)))


def _places(data: Any) -> Iterator[tuple[str | int, ...]]:
    """The path of each repeated key, in the order of the text."""
    todo: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while todo:
        path, value = todo.pop()
        if isinstance(value, _Repeated):
            yield from (path + (key,) for key in value.repeated)
        if isinstance(value, dict):
            todo.extend(reversed([(path + (k,), v) for k, v in value.items()]))
        elif isinstance(value, list):
            todo.extend(reversed([(path + (i,), v) for i, v in enumerate(value)]))


def refusal(exc: KeyTwice) -> RequestValidationError:
    """The 422 for a body with keys given twice: one error per repeated key, at its path."""
    return RequestValidationError(
        [
            {"type": "key_given_twice", "loc": ("body", *path), "msg": EXPECTED, "input": {}}
            for path in exc.places
        ]
    )


class OnceKeyedRequest(Request):
    """A request whose JSON body refuses a key given twice in one object."""

    async def json(self) -> Any:
        """The body as JSON, read with `loads`."""
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = loads(body)
            except json.JSONDecodeError:
                raise
            except UnicodeDecodeError as exc:  # was a bare 400 "error parsing the body"
                doc = body.decode("utf-8", "replace")
                raise json.JSONDecodeError(
                    f"byte {exc.start} is not UTF-8 (expected JSON in UTF-8)", doc, exc.start
                ) from exc
            except ValueError as exc:  # a number of thousands of digits, say
                raise json.JSONDecodeError(str(exc), body.decode("utf-8", "replace"), 0) from exc
            except RecursionError as exc:  # brackets thousands deep
                raise json.JSONDecodeError(
                    "nested too deeply (expected a report, a plan or a form's fields)",
                    body.decode("utf-8", "replace"),
                    0,
                ) from exc
        return self._json


class OnceKeyedRoute(APIRoute):
    """A route whose JSON body refuses a key given twice (422 naming where), storing nothing."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, reading its body through a OnceKeyedRequest."""
        handler = super().get_route_handler()

        async def once_keyed(request: Request) -> Response:
            try:
                return await handler(OnceKeyedRequest(request.scope, request.receive))
            except RequestValidationError as exc:
                if isinstance(exc.__cause__, KeyTwice):
                    raise refusal(exc.__cause__) from None
                raise

        return once_keyed
