"""One training at a time, in whole numbers: how the model and the quick plans count a town's
teachers (docs/format.md, "One training at a time").

A session's seats from town z come from its project's audiences in proportion to z's teachers
of each, so on a day the shares seats / pool(p, z) of the sessions running, for each audience,
add up to at most 1. Both the model and the quick plans count those shares in units: a town's
whole pool of any project is `scale` units, and a session's seats take ceil(seats × scale /
pool) of them. The scale is the least common multiple of the pools, where that stays below
`MOST_UNITS`, and every share is then exact; otherwise it holds the pools that the most
sessions come from, and a share of any other pool is rounded up: never a plan the rule
forbids, at worst one it allows, missed by less than two millionths of a town's teachers per
session.
`scheduler.core.validate` counts in exact fractions, on its own.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from models.instance import Instance

MOST_UNITS = 10**6
"""The most units a town's pool is cut into: a model's coefficients stay small."""


@dataclass(frozen=True)
class TownShares:
    """One town's units, and the sets of projects whose teachers overlap there: one set per
    audience (the projects that train it), none that lies inside another (its rule follows
    from the larger one's), none of a single project (a project never seats more than a
    pool, over all its sessions)."""

    town: str
    scale: int
    groups: tuple[frozenset[str], ...]
    pools: dict[str, int]
    """pool(p, z) of every project with teachers here."""

    def units(self, project: str, seats: int) -> int:
        """ceil(seats × scale / pool): the units `seats` of the project take of this town."""
        return -(-seats * self.scale // self.pools[project])

    def exact(self, project: str) -> bool:
        """Whether a seat of the project is a whole number of units."""
        return self.scale % self.pools[project] == 0


def town_shares(instance: Instance) -> dict[str, TownShares]:
    """The towns where two or more projects share an audience, with their units. Made from the
    whole instance, so that the model, a neighbourhood of it and the quick plans count in the
    same units: a plan one of them accepts, the others accept too."""
    shares = {}
    for town in instance.towns:
        pools = {project.id: pool for project in instance.projects
                 if (pool := town.pool(project.audiences)) > 0}
        training: dict[str, set[str]] = defaultdict(set)
        for project in instance.projects:
            if project.id in pools:
                for audience in project.audiences:
                    training[audience].add(project.id)
        groups = _largest({frozenset(ids) for ids in training.values() if len(ids) > 1})
        if not groups:
            continue
        members = set().union(*groups)
        counted: Counter[int] = Counter()
        for project_id in members:
            project = instance.project(project_id)
            counted[pools[project_id]] += project.phases * (project.sessions or 1)
        shares[town.id] = TownShares(town.id, _scale(counted), tuple(groups),
                                     {pid: pools[pid] for pid in sorted(members)})
    return shares


def _largest(sets: set[frozenset[str]]) -> list[frozenset[str]]:
    """The sets that lie inside no other, largest first, ties by their sorted members."""
    ordered = sorted(sets, key=lambda group: (-len(group), sorted(group)))
    kept: list[frozenset[str]] = []
    for group in ordered:
        if not any(group <= bigger for bigger in kept):
            kept.append(group)
    return kept


def _scale(pools: Counter[int]) -> int:
    """The least common multiple of the pools, the most used first, as far as it stays within
    `MOST_UNITS`; where some pool is left out, that multiple times as much as keeps within
    `MOST_UNITS`, so that a rounded share is off by less than two units in `MOST_UNITS`."""
    scale = 1
    for pool, _ in sorted(pools.items(), key=lambda item: (-item[1], item[0])):
        joined = math.lcm(scale, pool)
        if joined <= MOST_UNITS:
            scale = joined
    if all(scale % pool == 0 for pool in pools):
        return scale
    return scale * (MOST_UNITS // scale)
