"""The training scheduler: plan a year of teacher training from an instance, check a plan
against every rule, explain an instance that has no plan, and write what a bureau publishes.

The public API is what `__all__` names; everything else may change without notice.

    import scheduler as s
    instance = s.load_instance("instances/2024.json")   # JSON, workbook or scenario file
    result = s.solve(instance, time_limit=5)
    print(result.status, result.objective)
    assert s.validate_plan(instance, result.solution) == []
    s.write_outputs(instance, result.solution, Path("out"), ["xlsx", "csv"])

Re-planning: `s.solve(new_instance, replan=s.Replan(baseline=old_solution, today=...))`.
Stopping: `s.solve(instance, stop=s.Stop(time_limit=300))` ends at the time limit, or early,
with the best plan, once `stop.set()` is called from another thread; the library installs no
signal handler.
The names load on first use, so `import scheduler` stays light for the command line. The
checker and the explainer are `validate_plan` and `explain_instance`: `scheduler.core.validate` and
`scheduler.analysis.no_plan` name their modules.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_PUBLIC = {
    "Instance": "models", "Solution": "models", "SessionPhase": "models", "Status": "models",
    "InputError": "models",
    "solve": "scheduler.search.solve", "SolveResult": "scheduler.search.solve",
    "SolveParams": "scheduler.search.params", "Stop": "scheduler.search.stop",
    "Replan": "scheduler.core.replan",
    "Violation": "scheduler.core.validate", "Explanation": "scheduler.core.explanation",
    "write_outputs": "scheduler.usecases",
}
"""Each public name and the module it lives in."""

__all__ = [
    "Explanation", "InputError", "Instance", "Replan", "SessionPhase", "Solution", "SolveParams",
    "SolveResult", "Status", "Stop", "Violation", "__version__", "explain_instance",
    "load_instance", "solve", "validate_plan", "write_outputs",
]

if TYPE_CHECKING:
    from models import InputError, Instance, SessionPhase, Solution, Status
    from scheduler.core.explanation import Explanation
    from scheduler.core.replan import Replan
    from scheduler.core.validate import Violation
    from scheduler.search.params import SolveParams
    from scheduler.search.solve import SolveResult, solve
    from scheduler.search.stop import Stop
    from scheduler.usecases import write_outputs


def load_instance(path: str | Path) -> Instance:
    """An instance from a JSON file, a planner's workbook (.xlsx) or a scenario file; a file
    that is not a valid instance raises `InputError`: its `said` holds each problem as a
    sentence, said in either language with `.text("en")` or `.text("zh")`."""
    from models import load_instance as load

    return load(Path(path))


def validate_plan(instance: Instance, solution: Solution,
                  baseline: Solution | None = None) -> list[Violation]:
    """Every rule the plan breaks ([] for a valid plan), and its KPIs and objective checked;
    with the earlier plan of a re-plan, its held and pinned sessions too."""
    from scheduler.core.validate import validate

    return validate(instance, solution, baseline)


def explain_instance(instance: Instance, *, time_limit: float = 60.0,
                     workers: int | None = None) -> Explanation:
    """Why the instance has no plan, and the smallest changes that give one, each tried."""
    from scheduler.analysis.no_plan import explain

    return explain(instance, time_limit=time_limit, workers=workers)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'scheduler' has no attribute {name!r}")
