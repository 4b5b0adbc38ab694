"""Read plan files (built-in names or paths) and report every problem with file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hito import yamldoc
from hito.errors import HitoError, Problem, ScenarioError
from hito.plans.model import ACTION_TYPES, Plan
from hito.plans.validate import internal_problems, scenario_problems
from hito.scenario.model import Scenario

BUILTIN_PACKAGE = "hito.plans.builtin"


class PlanError(HitoError):
    """A plan file that cannot be read, does not validate or does not fit its scenario."""


def builtin_names() -> list[str]:
    """Names of the plans shipped inside the package."""
    return yamldoc.builtin_names(BUILTIN_PACKAGE)


def resolve(ref: str | Path) -> tuple[str, str]:
    """Return (label, YAML text) for a built-in name or a path."""
    return yamldoc.resolve(ref, package=BUILTIN_PACKAGE, what="plan", error=PlanError)


def load(ref: str | Path, scenario: Scenario | None = None) -> Plan:
    """Load and validate a plan; with a scenario, also check its places and routes exist there.

    A plan file's `scenario:` that is a relative path is read from the plan's own folder when
    the file is there (a plan kept beside its scenario works from any working directory).
    """
    label, text = resolve(ref)
    plan = parse(text, label, scenario)
    if str(ref) in builtin_names() or not plan.scenario:
        return plan
    written = Path(plan.scenario)
    beside = Path(ref).parent / written
    if written.is_absolute() or not beside.is_file():
        return plan
    return plan.model_copy(update={"scenario": str(beside)})


def plan_scenario(ref: str | Path, plan: Plan) -> Scenario | None:
    """The scenario a plan names (`scenario:`), or None.

    One it cannot read is a PlanError at the plan's `scenario:` line (the problem alone did not
    say where the name came from).
    """
    from hito.scenario.load import load as load_scenario

    if not plan.scenario:
        return None
    try:
        return load_scenario(plan.scenario)
    except ScenarioError as exc:
        label, text = resolve(ref)
        _, node = yamldoc.compose(text, label, what="plan", error=PlanError)
        where = yamldoc.where(label, node, ("scenario",))
        raise PlanError(
            [yamldoc.at(where, Problem("scenario: %(problem)s", problem=p)) for p in exc.said]
        ) from None


def parse(text: str, label: str = "<plan>", scenario: Scenario | None = None) -> Plan:
    """Validate YAML text into a Plan, or raise PlanError with one line per problem."""
    data, node = yamldoc.compose(text, label, what="plan", error=PlanError)
    return validate(data, label, node, scenario)


def validate(
    data: dict[str, Any], label: str = "<plan>", node: Any = None, scenario: Scenario | None = None
) -> Plan:
    """Validate a mapping into a Plan with errors located in the file."""
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        lines = format_errors(exc, label, node)
        more = [p for p in yamldoc.located(internal_problems(data), label, node) if p not in lines]
        raise PlanError(lines + more) from None
    if scenario is not None:
        problems = scenario_problems(plan, scenario)
        if problems:
            raise PlanError(yamldoc.located(problems, label, node))
    return plan


def format_errors(exc: ValidationError, label: str, node: Any = None) -> list[Problem]:
    """One line per problem: file:line: field.path: what was given, what was expected."""
    return yamldoc.format_errors(exc, label, node, tags=ACTION_TYPES)


def json_schema() -> str:
    """The JSON Schema of the plan format, for editors."""
    return yamldoc.json_schema(Plan, "hito contingency plan")
