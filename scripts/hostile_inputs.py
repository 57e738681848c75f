"""Run the hostile inputs of issue 40 (tests/fuzz/hostile.py) against a checkout of the project
and print, per class, how many cases ended in a traceback, a wrong exit, files written on bad
input, a silent misread (exit 0 on input that must be refused), a hang, or a refusal that does
not name the place.

    python scripts/hostile_inputs.py                     # this checkout
    python scripts/hostile_inputs.py --program /tmp/old  # another one (figures before a fix)

The cases come from this checkout, the program run on them from `--program`; the base workbook
is written by that program's own `template --from`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzz.hostile import Outcome, all_cases, base_instance, encode, run  # noqa: E402

COLUMNS = ["cases", "tracebacks", "wrong exits", "files written", "silent misreads", "hangs",
           "place not named", "content leaked"]


def base_workbook(program: Path, folder: Path) -> bytes:
    (folder / "base.json").write_bytes(encode(base_instance()))
    subprocess.run([sys.executable, "-c", "from scheduler.cli import main; main()", "template",
                    "--from", "base.json", "--out", "base.xlsx", "--lang", "zh"], cwd=folder,
                   check=True, capture_output=True,
                   env={"PYTHONPATH": str(program), "PATH": "/usr/bin"})
    return (folder / "base.xlsx").read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--program", type=Path, default=ROOT,
                        help="the root of the checkout to run (default: this one)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30,
                        help="past this a case counts as a hang")
    parser.add_argument("--verbose", action="store_true", help="list every failing case")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        workbook = base_workbook(options.program.resolve(), folder)
        cases = list(all_cases(workbook, options.seed))
        with ThreadPoolExecutor(options.jobs) as pool:
            outcomes = list(pool.map(
                lambda item: run(item[1], folder / f"case-{item[0]}", options.program.resolve(),
                                 options.seconds), enumerate(cases)))
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    for outcome in outcomes:
        for family in (outcome.case.family, "all"):
            row = table[family]
            row["cases"] += 1
            row["tracebacks"] += outcome.traceback
            row["wrong exits"] += outcome.wrong_exit
            row["files written"] += bool(outcome.written)
            row["silent misreads"] += outcome.silent_misread
            row["hangs"] += outcome.hang
            row["place not named"] += outcome.unnamed
            row["content leaked"] += outcome.leaked
    print(f"program: {options.program.resolve()}  seed {options.seed}")
    print(f"{'class':<10}" + "".join(f"{column:>16}" for column in COLUMNS))
    for family in [*sorted(name for name in table if name != "all"), "all"]:
        print(f"{family:<10}" + "".join(f"{table[family][c]:>16}" for c in COLUMNS))
    if options.verbose:
        for outcome in outcomes:
            if outcome.failed:
                print(_describe(outcome))


def _describe(outcome: Outcome) -> str:
    last = outcome.output.strip().splitlines()[-1:] or [""]
    return (f"- [{outcome.case.family}] {outcome.case.what}: exit {outcome.code} "
            f"(want {outcome.case.exit}){' traceback' if outcome.traceback else ''}"
            f"{' wrote ' + ', '.join(outcome.written) if outcome.written else ''}"
            f"{' unnamed' if outcome.unnamed else ''}{' leaked' if outcome.leaked else ''}"
            f" | {last[0][:160]}")


if __name__ == "__main__":
    main()
