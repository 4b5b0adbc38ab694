"""Domain errors raised by the core, each carrying one line per problem."""

from __future__ import annotations


class HitoError(Exception):
    """Base of every error hito reports to a user without a traceback."""

    exit_code = 2

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class ScenarioError(HitoError):
    """A scenario file that cannot be read or does not validate."""


class InputError(HitoError):
    """A bad argument or input file other than a scenario."""
