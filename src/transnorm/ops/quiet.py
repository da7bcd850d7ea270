"""Prefect settings that must be in place before `import prefect` (NOTES: telemetry).

The terminal shows Prefect's warnings only, while flow and task run loggers keep INFO: those
lines go to the Prefect server (the run's logs in the UI) through Prefect's API handler.
"""

import os

QUIET_ENV = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL": "INFO",
    "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": "INFO",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}


def quiet_prefect() -> None:
    """No telemetry, no chatter; values the user set explicitly win."""
    console = os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING")  # what the user wants on the terminal
    for k, v in QUIET_ENV.items():
        os.environ.setdefault(k, v)
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", console)
