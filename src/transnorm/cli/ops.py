"""Operating commands: `transnorm serve` (both deployments from this machine), `transnorm submit` (an
on-demand run, waited for) and `transnorm server start`.

Registered on the main Typer app in cli/main.py. The work-pool route (prefect.yaml, `prefect deploy`,
`prefect worker start --pool NAME`) needs no command of ours: see docs/operations.md.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import List, Optional

import typer

from transnorm.ops.quiet import quiet_prefect
from transnorm.ops.server import (
    DEFAULT_PORT,
    ServerError,
    configured_url,
    connect,
    healthy,
    local_url,
    write_port_file,
)

ON_DEMAND = "on-demand"
SCHEDULED = "scheduled-inbox"
FLOW_NAME = "translate_normalise"

server_app = typer.Typer(no_args_is_help=True, help="A Prefect server on this machine (127.0.0.1).")


@server_app.command("start")
def server_start(port: int = typer.Option(DEFAULT_PORT, "--port", help="port on 127.0.0.1")) -> None:
    """Run `prefect server start --host 127.0.0.1` in the foreground (Ctrl-C stops it).

    Writes its address to $PREFECT_HOME/transnorm-server.json, so `transnorm run`, `serve` and
    `submit` on this machine use it without PREFECT_API_URL. Single machine only: the server listens
    on 127.0.0.1 and keeps its database (SQLite) in $PREFECT_HOME. For several machines see
    docs/operations.md (PostgreSQL).
    """
    quiet_prefect()
    url = local_url(port)
    write_port_file(port)
    if healthy(url, timeout=1.0):
        typer.echo(f"a Prefect server is already running at {url}; transnorm commands on this machine use it",
                   err=True)
        return
    typer.echo(f"starting a Prefect server on 127.0.0.1:{port}; `transnorm run`, `serve` and `submit` on this "
               f"machine find it (elsewhere: export PREFECT_API_URL={url})", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                              "--port", str(port)])


def server_url() -> str:
    """PREFECT_API_URL (environment or profile), else a Prefect server running on this machine;
    exits 2 with what to do when there is none. Sets PREFECT_API_URL for what runs after."""
    from transnorm.cli.common import fail_on

    quiet_prefect()
    conn = fail_on(ServerError, lambda: connect(configured_url(), allow_temporary=False))
    os.environ["PREFECT_API_URL"] = conn.url  # flow-run subprocesses inherit it
    return conn.url


def serve(
    config: Optional[Path] = typer.Option(None, "--config", help="config YAML (inbox, schedule, runner settings)"),
    limit: int = typer.Option(1, "--limit", min=1, help="flow runs at once from this machine (one state folder "
                                                         "allows one run at a time; more wait their turn)"),
) -> None:
    """Serve the `scheduled-inbox` and `on-demand` deployments from this machine (needs a Prefect server).

    scheduled-inbox runs on `runner.schedule_cron` (or every `runner.schedule_interval_seconds`) and
    processes new or changed documents in `runner.inbox`. Run on-demand with `transnorm submit FILES`,
    or `prefect deployment run 'translate_normalise/on-demand' --param inputs='["PATH"]'`; serve looks
    for new runs every `runner.poll_seconds`. Stop with Ctrl-C, or SIGTERM when running in the background.
    """
    from transnorm.cli.common import fail
    from transnorm.config import ConfigError, load_config
    from transnorm.gazetteer.schema import GazetteerError
    from transnorm.pipeline import get_index

    url = server_url()
    try:
        cfg = load_config(config)
        get_index(cfg)  # a broken gazetteer stops here, not in every scheduled run
    except (ConfigError, GazetteerError) as exc:
        fail(str(exc))
    params = {"config": str(config.resolve())} if config else {}
    rcfg = cfg.runner
    if rcfg.schedule_interval_seconds:
        schedule = {"interval": timedelta(seconds=rcfg.schedule_interval_seconds)}
        when = f"every {rcfg.schedule_interval_seconds} s"
    else:
        schedule = {"cron": rcfg.schedule_cron}
        when = f"cron {rcfg.schedule_cron!r}"
    import asyncio

    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from transnorm.ops import flow as flows
    from transnorm.ops.warm import WarmStarts

    flow = flows.translate_normalise
    specs = {SCHEDULED: dict(**schedule, parameters={**params, "inbox": True}, tags=["transnorm"],
                             description=f"new or changed documents in {rcfg.inbox}, {when}"),
             ON_DEMAND: dict(parameters=params, tags=["transnorm"],
                             description="parameters at run time: inputs, out, force, config, offline")}
    warm = WarmStarts(config.resolve() if config else None) if rcfg.warm_start else None
    warmed = warm is not None and warm.install()
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            runner = Runner(limit=limit, query_seconds=rcfg.poll_seconds)
            try:
                for name, spec in specs.items():
                    if warmed:  # the runner holds the flow (add_flow): it starts runs through ops/warm.py
                        runner.add_flow(flow, name=name, **spec)
                    else:  # Prefect's own start: `python -m prefect.engine` loads the flow from its file
                        runner.add_deployment(flow.to_deployment(name=name, **spec))
            except ValueError as exc:
                fail(f"{config or 'config'}: key 'runner.schedule_cron': {exc}")
            typer.echo(f"serving {flow.name}/{SCHEDULED} ({when}, inbox {rcfg.inbox}) and {flow.name}/{ON_DEMAND} "
                       f"against {url}, looking for runs every {rcfg.poll_seconds:g} s"
                       + (", each run starting in a process warmed up ahead" if warmed else "")
                       + "; stop with Ctrl-C (SIGTERM in the background)", err=True)
            try:
                asyncio.run(runner.start())
            except (KeyboardInterrupt, TerminationSignal):
                pass
    finally:
        if warm is not None:
            warm.close()


def submit(
    inputs: List[Path] = typer.Argument(..., help="files or folders (paths as the machine running the flow sees "
                                                 "them: relative ones are made absolute here)"),
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: the server's config decides)"),
    force: bool = typer.Option(False, "--force", help="process every document again"),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="wait for the run, then print its folder"),
    timeout: float = typer.Option(3600, "--timeout", help="seconds to wait at most"),
) -> None:
    """Run the `on-demand` deployment on INPUTS (needs `transnorm serve`, or a worker, running)."""
    from transnorm.cli.common import err, fail, fail_on
    from transnorm.cli.run import summary
    from transnorm.ops.submit import SubmitError, create_run, run_folder, wait_for

    url = server_url()
    params: dict = {"inputs": [str(p.expanduser().resolve()) for p in inputs]}
    if out:
        params["out"] = str(out.expanduser().resolve())
    if force:
        params["force"] = True
    started = time.perf_counter()
    run = fail_on(SubmitError, lambda: create_run(url, f"{FLOW_NAME}/{ON_DEMAND}", params, ["transnorm", "submit"]))
    if not wait:
        typer.echo(run.id)
        return
    run = fail_on(SubmitError, lambda: wait_for(url, run, timeout))
    if run.state != "COMPLETED":
        fail(f"flow run {run.name} ({run.id}) " + (f"ended {run.state}: {run.message}" if run.state in
             ("FAILED", "CRASHED", "CANCELLED") else f"still {run.state or 'pending'} after {timeout:g} s"), code=1)
    folder = fail_on(SubmitError, lambda: run_folder(url, run)) or params.get("out", "")
    if folder and Path(folder, "run.json").exists():
        summary(Path(folder), time.perf_counter() - started)
    else:
        err.print(f"flow run {run.name} completed in {time.perf_counter() - started:.1f} s", highlight=False)
    typer.echo(folder)
