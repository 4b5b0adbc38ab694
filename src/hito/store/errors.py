"""Errors of the service layer, by kind; api/problems.py maps each kind to an HTTP status."""

from __future__ import annotations

from typing import Any, Self

from hito.errors import HitoError, Problem, Said, say


class StoreError(HitoError):
    """Base of the service errors; `errors` lists {loc, msg} items for field problems.

    Their msg is in English, as the API's problem details give them.
    """

    def __init__(self, problems: Said | list[Said], *, errors: list[dict[str, Any]] | None = None):
        super().__init__(problems)
        self.errors = errors or []
        self.fields: list[tuple[str, Said]] = []  # (field, problem) where the problem has one


class InvalidError(StoreError):
    """Input that is well-formed but wrong: unknown site, future time, stranded above people."""

    @classmethod
    def at(cls, loc: list[str | int], msg: Said) -> Self:
        """One problem at one field location."""
        where = ".".join(str(p) for p in loc)
        problem = Problem("%(path)s: %(problem)s", path=where, problem=msg)
        exc = cls(problem, errors=[{"loc": loc, "msg": say(msg, "en")}])
        exc.fields = [(str(loc[-1]), msg)]
        return exc

    @classmethod
    def of_fields(cls, errs: list[dict[str, Any]]) -> Self:
        """Problems at several field locations: ``{loc, msg}`` items, as the API lists them.

        A msg may be a Problem: said in the reader's language by `in_language`, in English in
        `errors` (the API's).
        """
        exc = cls(
            [
                Problem(
                    "%(field)s: %(problem)s", field=".".join(map(str, e["loc"])), problem=e["msg"]
                )
                for e in errs
            ],
            errors=[{**e, "msg": say(e["msg"], "en")} for e in errs],
        )
        exc.fields = [(str(e["loc"][-1]), e["msg"]) for e in errs]
        return exc

    def by_label(self, labels: dict[str, str], lang: str) -> list[str]:
        """Each problem after the label a form gives its field, in the reader's language.

        A problem of a field the form does not show keeps the field's own name.
        """
        if not self.fields:
            return self.in_language(lang)
        return [
            f"{labels[field]}: {say(msg, lang)}"
            if field in labels
            else f"{field}: {say(msg, lang)}"
            for field, msg in self.fields
        ]


class NotFoundError(StoreError):
    """A resource that does not exist."""


class ConflictError(StoreError):
    """A write that clashes with what is stored (a name taken, a key reused with other data)."""


class ForbiddenError(StoreError):
    """An actor who may not do this (a viewer writing, an editor of another agency)."""


class AuthError(StoreError):
    """Missing, wrong, expired or revoked credentials."""


class TooManyAttemptsError(StoreError):
    """Too many failed logins: the account is locked for a while."""

    def __init__(self, problems: Said | list[Said], *, retry_after: int):
        super().__init__(problems)
        self.retry_after = retry_after
