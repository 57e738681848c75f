"""`schedule serve`: the planner's web pages over the library (upload → check → solve → look →
compare), with jobs solved in worker processes and kept in SQLite under the data folder."""

PAGE_LANGUAGE = "zh"
"""The pages' language, the planner's: every sentence the library returns (an input's problems,
why a project cannot run, a job's message) is said in it."""
