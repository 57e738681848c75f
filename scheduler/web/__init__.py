"""`schedule serve`: the planner's web pages over the library (upload → check → solve → look →
compare), with jobs solved in worker processes and kept in SQLite under the data folder."""
