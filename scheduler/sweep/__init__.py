"""Sweeps: many what-ifs of one district's plan, or of many districts', solved on a Dask
cluster (`schedule sweep`).

- `spec`: the bases and the sweep file (a grid of values, named variants), checked whole;
- `task`: a variant as a task any worker can run (it carries the instance, not a path), and
  the row that comes back;
- `cache`: finished results by task key, so a sweep run again solves only what is new;
- `run`: the tasks on the cluster (the one at `--scheduler`, else a LocalCluster), with
  progress, Ctrl-C and lost workers;
- `results`: sweep.csv, sweep.xlsx, the chart and each variant's plan.

Only `run` imports Dask (the `cluster` extra), and only when a sweep runs.
"""
