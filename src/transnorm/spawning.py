"""Spawned worker processes that do not run the parent's main script again.

`spawn` starts a fresh interpreter and, to rebuild the parent's state, imports the parent's main
module in it as `__mp_main__`. Our workers (index build, batch workers of the `processes` runner)
need none of it: their tasks are functions of transnorm modules, imported by reference. And the
main module may be anything that calls transnorm: a script without an `if __name__ == "__main__"`
guard would start a second run in every worker (which then finds the state folder locked and
exits: BrokenProcessPool). Processes made by `context(role)` skip that import.
"""
from __future__ import annotations

from multiprocessing import spawn
from multiprocessing.context import SpawnContext, SpawnProcess

PREFIX = "transnorm-"
_original_preparation_data = spawn.get_preparation_data


def _preparation_data(name: str) -> dict:
    """What a spawned process is told to set up: for one of ours, not the main module."""
    data = _original_preparation_data(name)
    if name.startswith(PREFIX):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


spawn.get_preparation_data = _preparation_data


class _Process(SpawnProcess):
    role = "worker"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = f"{PREFIX}{self.role}-{self.name}"


class BuildProcess(_Process):  # module-level classes: spawn pickles the process object
    role = "build"


class BatchProcess(_Process):
    role = "batch"


class _BuildContext(SpawnContext):
    Process = BuildProcess


class _BatchContext(SpawnContext):
    Process = BatchProcess


def context(role: str) -> SpawnContext:
    """A spawn context whose processes are named transnorm-<role>-N and skip the main module:
    "build" (index build workers) or "batch" (the `processes` runner's workers)."""
    return {"build": _BuildContext, "batch": _BatchContext}[role]()
