"""The training scheduler: calendar, CP-SAT model, solve, checks and outputs."""
