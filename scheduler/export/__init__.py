"""What is made of a solution: the plan table (CSV and Excel), the Gantt chart (PNG),
calendars (.ics) and the HTML report; `formats` maps each format name to its writer.

Writers read an `Instance` and a `Solution` only, and write through the atomic helpers of
`models.solution`, so a reader never sees half a file.
"""

from scheduler.export.gantt import write_gantt
from scheduler.export.plan_table import plan_table, write_plan_csv

__all__ = ["plan_table", "write_gantt", "write_plan_csv"]
