"""Operating commands: `transnorm serve` (both deployments from this machine) and `transnorm server start`.

Registered on the main Typer app in cli/main.py. The work-pool route (prefect.yaml, `prefect deploy`,
`prefect worker start --pool NAME`) needs no command of ours: see docs/operations.md.
"""

from __future__ import annotations

import os
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Optional

import typer

from transnorm.ops.quiet import quiet_prefect

ON_DEMAND = "on-demand"
SCHEDULED = "scheduled-inbox"
DEFAULT_PORT = 4200

server_app = typer.Typer(no_args_is_help=True, help="A Prefect server on this machine (127.0.0.1).")


def _prefect_exe() -> str:
    """The `prefect` command installed beside this Python (the same environment)."""
    beside = Path(sys.executable).parent / "prefect"
    return str(beside) if beside.exists() else "prefect"


@server_app.command("start")
def server_start(port: int = typer.Option(DEFAULT_PORT, "--port", help="port on 127.0.0.1")) -> None:
    """Run `prefect server start --host 127.0.0.1` in the foreground (Ctrl-C stops it).

    Single machine only: the server listens on 127.0.0.1 and keeps its database (SQLite) in
    $PREFECT_HOME. For several machines see docs/operations.md (PostgreSQL).
    """
    quiet_prefect()
    url = f"http://127.0.0.1:{port}/api"
    typer.echo(f"starting a Prefect server on 127.0.0.1:{port}; in other terminals:\n"
               f"    export PREFECT_API_URL={url}\n    transnorm serve [--config FILE]", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    exe = _prefect_exe()
    os.execvp(exe, [exe, "server", "start", "--host", "127.0.0.1", "--port", str(port)])


def _api_url() -> str:
    from prefect.settings import get_current_settings

    return str(get_current_settings().api.url or "")


def serve(
    config: Optional[Path] = typer.Option(None, "--config", help="config YAML (inbox, schedule, runner settings)"),
    limit: int = typer.Option(1, "--limit", min=1, help="flow runs at once from this machine (one state folder "
                                                         "allows one run at a time; more wait their turn)"),
) -> None:
    """Serve the `scheduled-inbox` and `on-demand` deployments from this machine (needs a Prefect server).

    scheduled-inbox runs on `runner.schedule_cron` (or every `runner.schedule_interval_seconds`) and
    processes new or changed documents in `runner.inbox`. Trigger on-demand with
    `prefect deployment run 'translate_normalise/on-demand' --param inputs='["PATH"]'`.
    Stop with Ctrl-C, or SIGTERM when running in the background.
    """
    from transnorm.cli.common import fail
    from transnorm.config import ConfigError, load_config
    from transnorm.gazetteer.schema import GazetteerError
    from transnorm.pipeline import get_index

    quiet_prefect()
    url = _api_url()
    if not url:
        fail("PREFECT_API_URL is not set, and serving deployments needs a running Prefect server: "
             "run `transnorm server start` in another terminal and `export "
             f"PREFECT_API_URL=http://127.0.0.1:{DEFAULT_PORT}/api`, or set PREFECT_API_URL to your server")
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=10) as r:
            r.read()
    except OSError as exc:
        fail(f"cannot reach the Prefect server at PREFECT_API_URL={url} ({getattr(exc, 'reason', exc)}): "
             "start it with `transnorm server start`, or fix PREFECT_API_URL")
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
    from prefect import serve as prefect_serve

    from transnorm.ops import flow as flows

    flow = flows.translate_normalise
    try:
        scheduled = flow.to_deployment(
            name=SCHEDULED, **schedule, parameters={**params, "inbox": True}, tags=["transnorm"],
            description=f"new or changed documents in {rcfg.inbox}, {when}")
    except ValueError as exc:
        fail(f"{config or 'config'}: key 'runner.schedule_cron': {exc}")
    on_demand = flow.to_deployment(name=ON_DEMAND, parameters=params, tags=["transnorm"],
                                   description="parameters at run time: inputs, out, force, config")
    typer.echo(f"serving {flow.name}/{SCHEDULED} ({when}, inbox {rcfg.inbox}) and {flow.name}/{ON_DEMAND} "
               f"against {url}; stop with Ctrl-C (SIGTERM in the background)", err=True)
    prefect_serve(scheduled, on_demand, limit=limit, print_starting_message=False)
