"""The CP-SAT model of docs/format.md, Instance with the objective of section 3.

Time is counted in days from 1 January (see `scheduler.core.calendar`). Every phase of every session
is a fixed-length interval whose start ranges over the project's allowed start days; venues and
trainers are optional copies of that interval in one no-overlap constraint per venue and per
trainer (at most one session a day), and the term-time absence cap is a cumulative constraint per
town whose demands are the town's seats.

`TrainingModel` (`build`) lists the constraint families, one function each, in one ordered
table with the rules they enforce: the variables (`variables`), a project's own rules
(`projects`), venues and trainers (`resources`), the towns' teachers (`towns`), then the
objective (`objective`). Three collaborators make it one of four models: explain mode's rule
switches (`relaxable`), re-planning (`replanning`) and the neighbourhood's fixed projects
(`neighbourhood`). `placement` adds what `scheduler.analysis.alternatives` asks of a built model.
"""

from scheduler.model.build import TrainingModel
from scheduler.model.neighbourhood import FixedPart, FixedTask
from scheduler.model.relaxable import RELAXABLE_RULES, Group
from scheduler.model.variables import PhaseVars, ProjectVars, SessionVars, read_plan

__all__ = ["RELAXABLE_RULES", "FixedPart", "FixedTask", "Group", "PhaseVars", "ProjectVars",
           "SessionVars", "TrainingModel", "read_plan"]
