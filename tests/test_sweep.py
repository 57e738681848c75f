"""`schedule sweep` on a Dask cluster of two worker processes: the plans are those of
`schedule solve --workers 1`, byte for byte; a bad variant is a row with its reason; a finished
task is not solved again; Ctrl-C keeps what finished; a killed worker's task is retried or
reported; a bad sweep file is refused before anything is written."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest
from click.testing import CliRunner

import scheduler
from models.scenario import apply_changes
from scheduler.cli import EXIT_BAD_INPUT, EXIT_NO_SCHEDULE, main
from tests.helpers import ROOT

distributed = pytest.importorskip("distributed", reason="the cluster extra is not installed")

from scheduler.search.stop import Stop  # noqa: E402
from scheduler.sweep.cache import Cache  # noqa: E402
from scheduler.sweep.run import CANCELLED, WORKER_LOST, run_tasks  # noqa: E402
from scheduler.sweep.spec import read_sweep, read_variants  # noqa: E402
from scheduler.sweep.task import sweep_tasks  # noqa: E402

BASE = ROOT / "instances" / "2024.json"
LIMIT = "2"  # work-clock seconds: a few CPU-seconds a variant
QUOTAS = [0.3, 0.4, 0.5]
BAD_QUOTA = 1.5  # not a share: the variant is invalid


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as connected:
        yield connected


@pytest.fixture(scope="module")
def swept(tmp_path_factory, client):
    """The 2024 plan swept over three rural quotas and one that is not a share, through the
    command, on the fixture's cluster."""
    folder = tmp_path_factory.mktemp("sweep")
    sweep_file = folder / "quotas.json"
    sweep_file.write_text(json.dumps({"grid": {"policy.rural_quota": [*QUOTAS, BAD_QUOTA]}}),
                          encoding="utf-8")
    out = folder / "out"
    ran = CliRunner().invoke(main, ["sweep", str(BASE), str(sweep_file), "--scheduler",
                                    client.scheduler.address, "--time-limit", LIMIT,
                                    "--out", str(out), "--lang", "en"])
    return sweep_file, out, ran


def table(out):
    return pd.read_csv(out / "sweep.csv", encoding="utf-8-sig")


def test_a_sweep_gives_the_plans_of_one_worker_solves_byte_for_byte(swept, tmp_path):
    _, out, ran = swept
    assert ran.exit_code == EXIT_NO_SCHEDULE, ran.output  # the bad quota has no plan
    # One at a time, as each sweep task runs on its own worker: on a machine loaded far past
    # its cores, the wall clock's safety limit of a deterministic solve (scheduler.search.
    # cpsat.WALL_SAFETY) can cut a short step, and then the plan is the load's (see
    # docs/performance.md, "Sweeps").
    for quota in QUOTAS:
        scenario = tmp_path / f"{quota}.json"
        scenario.write_text(json.dumps({
            "schema": "training-scenario/1", "name": f"rural_quota={quota}", "base": str(BASE),
            "changes": [{"set": "policy.rural_quota", "value": quota}]}), encoding="utf-8")
        alone = tmp_path / str(quota)
        solved = subprocess.run(
            [sys.executable, "-m", "scheduler.cli", "solve", str(scenario), "--workers", "1",
             "--time-limit", LIMIT, "--formats", "csv", "--out", str(alone)],
            capture_output=True, text=True, cwd=ROOT)
        assert solved.returncode == 0, solved.stdout + solved.stderr
        swept_plan = out / "2024" / f"rural_quota={quota}"
        assert (alone / "plan.csv").read_bytes() == (swept_plan / "plan.csv").read_bytes()
        assert without_seconds(alone) == without_seconds(swept_plan)


def without_seconds(folder):
    """solution.json's text but its solve time, which is the machine's."""
    text = (folder / "solution.json").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if '"solve_seconds"' not in line]


def test_every_swept_plan_keeps_every_rule(swept):
    _, out, _ = swept
    base = json.loads(BASE.read_text(encoding="utf-8"))
    for quota in QUOTAS:
        label = f"rural_quota={quota}"
        instance = apply_changes(base, label, [{"set": "policy.rural_quota", "value": quota}])
        solution = scheduler.Solution.model_validate_json(
            (out / "2024" / label / "solution.json").read_text(encoding="utf-8"))
        assert solution.status.has_schedule
        assert scheduler.validate_plan(instance, solution) == []


def test_an_invalid_variant_is_a_row_with_its_reason_and_the_others_finish(swept):
    _, out, _ = swept
    rows = table(out)
    assert list(rows["policy.rural_quota"]) == [*QUOTAS, BAD_QUOTA]
    bad = rows[rows["policy.rural_quota"] == BAD_QUOTA].iloc[0]
    assert "policy.rural_quota" in bad["reason"] and "1.5" in bad["reason"]
    assert pd.isna(bad["status"]) and pd.isna(bad["objective"])
    good = rows[rows["policy.rural_quota"] != BAD_QUOTA]
    assert good["objective"].notna().all() and good["worker"].str.startswith("tcp://").all()
    assert (out / "sweep.xlsx").exists() and (out / "sweep.png").exists()


def test_a_sweep_run_again_solves_nothing_anew(swept):
    sweep_file, out, _ = swept
    # An address where no scheduler listens: the run succeeds only if it never needs one.
    again = CliRunner().invoke(main, ["sweep", str(BASE), str(sweep_file), "--scheduler",
                                      "tcp://127.0.0.1:9", "--time-limit", LIMIT, "--out",
                                      str(out), "--lang", "en"])
    assert again.exit_code == EXIT_NO_SCHEDULE, again.output
    rows = table(out)
    assert rows["cached"].all()  # the bad variant's reason too: it is the same on every run
    assert "3 from earlier runs" in again.output


def test_the_sweep_file_may_be_toml(tmp_path):
    as_json = tmp_path / "sweep.json"
    as_json.write_text(json.dumps({"grid": {"policy.rural_quota": [0.3, 0.4]},
                                   "variants": [{"name": "大礼堂五月停用", "changes": [
                                       {"unavailable": "venues.v01", "start": "2024-05-01",
                                        "end": "2024-05-31"}]}]}), encoding="utf-8")
    as_toml = tmp_path / "sweep.toml"
    as_toml.write_text('[grid]\n"policy.rural_quota" = [0.3, 0.4]\n\n[[variants]]\n'
                       'name = "大礼堂五月停用"\nchanges = [{unavailable = "venues.v01", '
                       'start = "2024-05-01", end = "2024-05-31"}]\n', encoding="utf-8")
    variants, swept_paths = read_variants(as_toml)
    assert (variants, swept_paths) == read_variants(as_json)
    assert [variant.label for variant in variants] == [
        "大礼堂五月停用 · rural_quota=0.3", "大礼堂五月停用 · rural_quota=0.4"]
    assert variants[0].changes[-1] == {"set": "policy.rural_quota", "value": 0.3}


@pytest.mark.parametrize(("sweep", "base", "expected"), [
    ({"grid": {"policy.rural_quotaa": [0.3]}}, BASE, "grid.policy.rural_quotaa: policy has no "
                                                     "field 'rural_quotaa'"),
    ({"grid": {}}, BASE, "grid: give each path its values"),
    ({"grid": {"policy.rural_quota": []}}, BASE, "grid.policy.rural_quota: give a non-empty"),
    ({"grid": {"policy.rural_quota": [0.3]}, "variant": []}, BASE,
     "variant: is not a field of a sweep file"),
    ({"grid": {"policy.rural_quota": [0.3]}}, ROOT / "no-such-district.json",
     "no-such-district.json: there is no such file or folder"),
])
def test_a_bad_sweep_is_refused_naming_where_and_nothing_is_written(tmp_path, sweep, base,
                                                                     expected):
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(json.dumps(sweep), encoding="utf-8")
    ran = CliRunner().invoke(main, ["sweep", str(base), str(sweep_file), "--out",
                                    str(tmp_path / "out"), "--lang", "en"])
    assert ran.exit_code == EXIT_BAD_INPUT
    assert expected in ran.output
    assert not (tmp_path / "out").exists()


def test_without_the_cluster_extra_the_command_says_how_to_install_it(monkeypatch, tmp_path):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *rest: None if name == "distributed"
                        else find_spec(name, *rest))
    ran = CliRunner().invoke(main, ["sweep", str(BASE), str(tmp_path / "sweep.json"),
                                    "--lang", "en"])
    assert ran.exit_code == EXIT_BAD_INPUT
    assert ran.output.count("\n") == 1 and "pip install" in ran.output


def test_the_package_and_its_help_load_no_dask():
    shown = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom click.testing import CliRunner\n"
         "from scheduler.cli import main\n"
         "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
         "assert CliRunner().invoke(main, ['sweep', '--help']).exit_code == 0\n"
         "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed'}))"],
        capture_output=True, text=True, cwd=ROOT, check=True)
    assert shown.stdout.strip() == "[]"


def test_a_stop_cancels_what_has_not_finished_and_keeps_what_has(client, tmp_path):
    # Ctrl-C sets the stop (the command binds it as `schedule solve` does): here, the first
    # result does, while the others run or wait.
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(json.dumps({"grid": {"policy.rural_quota": [0.1, 0.2, 0.3, 0.4]}}),
                          encoding="utf-8")
    tasks = sweep_tasks(read_sweep(BASE, sweep_file), time_limit=1.0, seed=1)
    stop = Stop()
    outcomes = run_tasks(tasks, Cache(tmp_path / "cache"), client=client, stop=stop,
                         on_progress=lambda progress: stop.set())
    finished = [outcome for outcome in outcomes if outcome.reason != CANCELLED]
    assert finished and all(outcome.objective is not None for outcome in finished)
    assert len(finished) < len(tasks)
    kept = {path.stem for path in (tmp_path / "cache").iterdir()}
    assert kept == {outcome.key for outcome in finished}


def test_a_task_whose_worker_is_killed_is_retried_or_reported(client, tmp_path):
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(json.dumps({"grid": {"policy.rural_quota": [0.3, 0.4]}}),
                          encoding="utf-8")
    tasks = sweep_tasks(read_sweep(BASE, sweep_file), time_limit=1.0, seed=2)
    killed: list[int] = []

    def kill_a_busy_worker():
        for _ in range(600):
            busy = [worker for worker, keys in client.processing().items()
                    if any(key == task.key for task in tasks for key in keys)]
            if busy:
                pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.1)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    outcomes = run_tasks(tasks, Cache(tmp_path / "cache"), client=client)
    killer.join()
    assert killed, "no task was seen running"
    assert len(outcomes) == len(tasks)
    assert all(outcome.objective is not None or outcome.reason == WORKER_LOST
               for outcome in outcomes)
