"""Shared fixtures: the 2024 instance and its plan, a tiny instance to mutate per test, and
no Chinese font. The helpers the tests share are in helpers.py."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from models import Instance, Solution, load_instance
from tests.helpers import ROOT, TINY


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line speaks the locale's language: the same (English) on every machine,
    in this process and the commands it starts, unless a test says otherwise."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)


@pytest.fixture(scope="session")
def instance() -> Instance:
    """instances/2024.json, for tests that read a real plan (a module may define its own)."""
    return load_instance(ROOT / "instances" / "2024.json")


@pytest.fixture(scope="session")
def solution() -> Solution:
    """The optimal plan of instances/2024.json, kept in tests/data so no test solves for it."""
    return Solution.model_validate_json(
        (ROOT / "tests" / "data" / "2024-solution.json").read_text(encoding="utf-8"))


@pytest.fixture
def tiny() -> dict[str, Any]:
    """The tiny world (helpers.TINY), a copy of it each test may change."""
    return copy.deepcopy(TINY)


@pytest.fixture
def without_chinese_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """No font draws Chinese, not even the shipped one; the warning that says so not yet given."""
    from scheduler.export import fonts, gantt

    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    gantt.warn_without_chinese_font.cache_clear()
