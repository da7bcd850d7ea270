"""Prefect settings that must be in place before `import prefect` (NOTES: telemetry)."""

import os

QUIET_ENV = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}


def quiet_prefect() -> None:
    """No telemetry, no chatter; values the user set explicitly win."""
    for k, v in QUIET_ENV.items():
        os.environ.setdefault(k, v)
