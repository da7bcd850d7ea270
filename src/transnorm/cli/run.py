"""`transnorm run`: the pipeline through the Prefect flow, in phases, with a summary at the end.

Order, so that every refusal comes before any waiting: config, inputs and the state folder's lock
(a second run on the same state exits 2 with one line, however soon after the first it starts);
then the Prefect server (ops/server.py: PREFECT_API_URL, a local server, else a temporary one,
started now and waited for after the gazetteer index is loaded); then the flow. Ctrl-C, SIGTERM or
SIGHUP stop the run and the temporary server within a few seconds, exit 130 (Interrupts).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer

from transnorm.cli.common import DEBUG, err, fail, fail_on
from transnorm.ops.quiet import quiet_prefect
from transnorm.ops.signals import ON_STOP

if TYPE_CHECKING:
    from transnorm.config import Config

GRACE_SECONDS = 3.0  # after Ctrl-C, time for Prefect to record the run as crashed before a hard exit
INTERRUPTED = 130  # the shell's code for a run stopped by Ctrl-C
COMMAND = {"quick_exit": False}  # set by the console script's main()


class Interrupts:
    """SIGINT, SIGTERM and SIGHUP: stop the run (KeyboardInterrupt), stop the temporary server, exit 130.

    The first signal raises KeyboardInterrupt in the main thread so Prefect can mark the run
    Crashed; if unwinding takes longer than GRACE_SECONDS from the signal (a batch still translating
    in a worker thread, a batch task sleeping out its retry delay), or a second signal comes, the
    process exits at once. Inside the flow Prefect's SIGTERM handler runs first; the run loop's
    wrapper starts the deadline (ops/signals.py ON_STOP). Nothing is lost either way: the
    ledger holds whole batches only, and the next run continues where this one stopped.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self):
        self.server = None  # ops.server.TemporaryServer, once started
        self.hit = False
        self._timer: threading.Thread | None = None
        self._exiting = threading.Lock()
        self._saved: dict = {}

    def install(self) -> "Interrupts":
        for sig in self.SIGNALS:
            if signal.getsignal(sig) is not signal.SIG_IGN:  # `nohup`, a background job: stays ignored
                self._saved[sig] = signal.signal(sig, self._on_signal)
        if signal.SIGTERM in self._saved:  # Prefect's own SIGTERM handler runs first inside the flow
            ON_STOP.append(self.start_deadline)
        return self

    def uninstall(self) -> None:
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)
        if self.start_deadline in ON_STOP:
            ON_STOP.remove(self.start_deadline)

    def _on_signal(self, signum, frame) -> None:
        if self.hit:
            self.exit_now()
        self.hit = True
        self.start_deadline()
        raise KeyboardInterrupt

    def start_deadline(self) -> None:
        """The process exits GRACE_SECONDS after the first stop signal, however long unwinding takes."""
        if self._timer is None:
            self._timer = threading.Thread(target=self._deadline, daemon=True)
            self._timer.start()

    def _deadline(self) -> None:
        time.sleep(GRACE_SECONDS)
        self.exit_now()

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.stop()

    def exit_now(self) -> None:
        if not self._exiting.acquire(blocking=False):
            while True:  # another thread is exiting the process
                time.sleep(1)
        self.stop_server()
        err.print("interrupted: batches already written are kept; run the same command again to finish",
                  highlight=False, soft_wrap=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(INTERRUPTED)


def index_label(cfg: Config) -> str:
    """What the gazetteer phase will do. PLUG-IN: when the index store offers a build progress hook,
    pass it `progress.callback("building the gazetteer index")` in `load_index` instead."""
    try:
        from transnorm.gazetteer.layers import LayerSpec
        from transnorm.gazetteer.store import cache_path, shared_cache_dir

        spec = LayerSpec.from_config(cfg.gazetteer)
        dirs = [cfg.state_dir / "index", shared_cache_dir()]
        if any(d is not None and cache_path(cfg.gazetteer.dir, d, spec).exists() for d in dirs):
            return "loading the gazetteer index"
        return "building the gazetteer index (once per gazetteer change, about a minute)"
    except Exception:  # noqa: BLE001 - only a label
        return "preparing the gazetteer index"


def run(
    inputs: List[Path] = typer.Argument(..., help="files or folders: .txt .md .jsonl .csv"),
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: outputs/<UTC time>)"),
    config: Optional[Path] = typer.Option(None, "--config", help="config YAML (default: built-in defaults)"),
    force: bool = typer.Option(False, "--force", help="process every document again (default: documents "
                                                      "unchanged since an earlier run reuse its record)"),
    offline: bool = typer.Option(False, "--offline", help="never download translation models (default: "
                                                          "missing ru/uk->en models are installed on first use)"),
) -> None:
    """Run the pipeline: records.jsonl, report.html, report.md and review.csv in the output folder."""
    from transnorm.cli.display import PhaseDisplay
    from transnorm.config import ConfigError, load_config
    from transnorm.detect import warm_in_background
    from transnorm.gazetteer.schema import GazetteerError
    from transnorm.ops import inputs as inputs_
    from transnorm.ops import progress, runner
    from transnorm.ops.server import ServerError, configured_url, connect

    t0 = time.perf_counter()
    guard = Interrupts().install()  # from the start: Ctrl-C while Prefect is imported is exit 130 too
    display = PhaseDisplay(err)
    try:
        try:
            cfg = load_config(config)
        except ConfigError as exc:
            fail(str(exc))
        missing = [str(p) for p in inputs if not p.exists()]
        if missing and len(missing) == len(inputs):
            fail(f"no such input: {', '.join(missing)}")
        claim_folders(cfg, out)  # another run on this state or --out, or a folder not writable: exit 2 now
        names = [str(p) for p in inputs]
        if runner.detects_here(cfg, names):  # lingua's models load on the other core while Prefect is imported
            warm_in_background(cfg.detect, lambda: inputs_.first_text(names, cfg.ingest))
        quiet_prefect()
        with display:
            progress.use(display if display.live else None)  # piped: nothing drawn, nothing counted
            display.phase("connecting to Prefect")
            conn = fail_on(ServerError, lambda: connect(configured_url()))
            guard.server = conn.temporary
            if conn.temporary is not None:
                display.note("no Prefect server found: starting a temporary one for this run (about 10 s). "
                             "To skip this wait: run `transnorm server start` in another terminal (later runs "
                             "find it), or set PREFECT_API_URL.")
            display.phase(index_label(cfg))
            digest = fail_on(GazetteerError, lambda: load_index(cfg))
            runner.prestart(cfg, names, digest, force)  # worker processes, if any, start on the first batches
            if conn.temporary is not None:
                display.phase("starting the temporary Prefect server")
                fail_on(ServerError, conn.temporary.wait)
            display.phase("starting the flow")
            out_dir = fail_on(ServerError, lambda: call_flow(
                conn.url, inputs=[str(p) for p in inputs], out=str(out) if out else None,
                config=str(config) if config else None, force=force, offline=offline))
            display.finish()
        send_prefect_queues()  # while the server is still up (a temporary one stops below)
    except KeyboardInterrupt:
        guard.exit_now()
    except (typer.Exit, typer.Abort):
        raise  # a one-line failure already printed
    except OSError as exc:  # a full disk, a folder made read-only mid-run: the run's environment, exit 2
        if DEBUG["on"]:
            raise
        fail(f"the run stopped: cannot write: {os_reason(exc)}; the batches already written are kept, "
             "run the same command again once fixed")
    except Exception as exc:  # a failed flow run (Prefect has logged why): one line, the traceback with --debug
        if DEBUG["on"]:
            raise
        fail(f"the run failed: {type(exc).__name__}: {exc} (`transnorm --debug run ...` shows the traceback); "
             "the batches already written are kept", code=1)
    finally:
        runner.discard_prestarted()  # when the run stopped before it took them
        progress.use(None)
        guard.stop_server()
        guard.uninstall()
    summary(Path(out_dir), time.perf_counter() - t0)
    typer.echo(out_dir)
    quick_exit()


def claim_folders(cfg: Config, out: Path | None) -> None:
    """Lock the state folder and the output folder before anything waits: one line and exit 2 for a
    folder another run holds, a file where a folder should be, or a folder that cannot be written."""
    from transnorm.ops import runner
    from transnorm.ops.ledger import StateLocked

    for what, folder, hold in (("state folder", cfg.state_dir, runner.hold_state), ("--out", out, runner.hold_out)):
        if folder is None:
            continue
        if folder.exists() and not folder.is_dir():
            fail(f"{what} {folder} is a file, not a folder")
        if hold is runner.hold_out and not folder.exists():  # created (and claimed) by the flow, not before
            parent = next(p for p in folder.absolute().parents if p.exists())
            if not parent.is_dir():
                fail(f"cannot create the {what} {folder}: {parent} is a file, not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                fail(f"cannot create the {what} {folder}: {parent} is not writable")
            continue
        try:
            hold(folder)
        except StateLocked as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write the {what} {folder}: {os_reason(exc)}")


def os_reason(exc: OSError) -> str:
    """`No space left on device: 'path'`: the cause and the file, without the errno prefix."""
    reason = exc.strerror or type(exc).__name__
    return f"{reason}: {exc.filename}" if exc.filename else reason


def send_prefect_queues() -> None:
    """Send Prefect's queued run logs and events now (the UI shows the whole run)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    EventsWorker.drain_all(timeout=10)


def quick_exit() -> None:
    """Exit now that everything is written and sent (send_prefect_queues), skipping Prefect's exit
    handlers, which take half a second or more to wind down its service threads. Only as the
    `transnorm` command (cli/main.py main()), never when the app is called in-process (tests)."""
    if COMMAND["quick_exit"]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def load_index(cfg: Config) -> str:
    """The compiled gazetteer's digest, with its stored tables ready. Raises GazetteerError."""
    from transnorm.linking.derived import warm_tables
    from transnorm.pipeline import get_index

    index = get_index(cfg)
    warm_tables(index)  # a broken gazetteer stops here, before any document is read
    return index.digest


def call_flow(api_url: str, **params) -> str:
    """The flow in this process, against `api_url`, tagged as a CLI run. No heartbeats: they are for
    runs a worker lost, and their thread's 1-second sleeps add up to a second to every run."""
    from prefect import tags
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from transnorm.ops import flow as flows
    from transnorm.ops.ledger import StateLocked
    from transnorm.ops.server import unreachable

    quiet_write_errors()
    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}), \
                tags("transnorm", "cli"):
            return flows.translate_normalise(**params)
    except StateLocked as exc:  # a run that did not go through hold_state (not expected)
        fail(str(exc))
    except Exception as exc:
        if is_connection_error(exc):
            raise unreachable(api_url, f"lost during the run: {type(exc).__name__}") from exc
        raise


def _not_a_write_error(record: logging.LogRecord) -> bool:
    exc = record.exc_info[1] if record.exc_info else None
    return not isinstance(exc, OSError) or is_connection_error(exc)


def quiet_write_errors() -> None:
    """Keep a failed write (a full disk) out of the terminal's Prefect log lines: run() prints it as one
    line naming the file. The Prefect UI still gets the traceback (its API handler is not filtered)."""
    for name in ("", "prefect", "prefect.flow_runs"):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler) and _not_a_write_error not in handler.filters:
                handler.addFilter(_not_a_write_error)


def is_connection_error(exc: BaseException) -> bool:
    import httpx

    return isinstance(exc, (httpx.TransportError, ConnectionError))


def summary(out_dir: Path, seconds: float) -> None:
    """Every file the run wrote, the counts that matter, and the next command."""
    try:
        stats = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stats = {}
    docs, errors = stats.get("documents", 0), stats.get("documents_with_errors", 0)
    review, no_en = stats.get("names_to_review", 0), stats.get("no_english") or {}
    n_no_en = sum(no_en.values())
    by_lang = ", ".join(f"{lang} {n}" for lang, n in sorted(no_en.items()))
    err.print(f"done in {seconds:.1f} s: {docs} documents ({stats.get('reused', 0)} reused from earlier runs), "
              f"{errors} with errors, {review} names to review, {n_no_en} without English"
              + (f" ({by_lang})" if by_lang else ""), highlight=False, soft_wrap=True)
    for name, what in (("records.jsonl", "one record per document"), ("report.html", "the report to review"),
                       ("report.md", "the report as text"), ("review.csv", "names to decide"),
                       ("run.json", "counts and timings")):
        if (out_dir / name).exists():
            err.print(f"  {out_dir / name}  [dim]{what}[/]", highlight=False, soft_wrap=True)
    untranslated = [lang for lang in ("ru", "uk") if no_en.get(lang)]
    if untranslated:
        nxt = (f"`transnorm models install {untranslated[0]} en`"
               + (f" and `transnorm models install {untranslated[1]} en`" if len(untranslated) > 1 else "")
               + ", then run the same command again")
    elif review:
        nxt = (f"open {out_dir / 'report.html'}, fill the decision column of {out_dir / 'review.csv'}, then "
               f"`transnorm review apply {out_dir / 'review.csv'}`")
    elif errors:
        nxt = f"read the errors in {out_dir / 'report.md'} (section Errors), fix the input and run again"
    else:
        nxt = f"nothing to review: use {out_dir / 'records.jsonl'}"
    err.print(f"next: {nxt}", highlight=False, soft_wrap=True)
