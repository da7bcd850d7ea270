"""`transnorm models ...`: list, install (online or from a file) and remove Argos translation models."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from transnorm.cli.common import err, fail

models_app = typer.Typer(no_args_is_help=True, help="Argos translation models: list, install, remove.")
ModelsDir = typer.Option(None, "--models-dir", help="default: translate.models_dir, $TRANSNORM_MODELS_DIR "
                                                      "or ~/.local/share/transnorm/models")
ConfigOpt = typer.Option(None, "--config", help="config YAML (its translate.models_dir is used)")


def _models_dir(models_dir: Optional[Path], config: Optional[Path]) -> Path:
    from transnorm.config import ConfigError, load_config
    from transnorm.translation.models import models_dir_for

    if models_dir:
        return models_dir
    try:
        return models_dir_for(load_config(config).translate)
    except ConfigError as exc:
        fail(str(exc))


@models_app.command("list")
def models_list(models_dir: Optional[Path] = ModelsDir, config: Optional[Path] = ConfigOpt) -> None:
    """Installed translation models."""
    from transnorm.translation.models import list_models

    folder = _models_dir(models_dir, config)
    found = list_models(folder)
    if not found:
        err.print(f"no models in {folder}; install one with `transnorm models install ru en` "
                  "or `transnorm models install PATH.argosmodel`", highlight=False, soft_wrap=True)
    for m in found:
        typer.echo(f"{m.from_code} -> {m.to_code}\t{m.model_id}\t{m.path}")


@models_app.command("install")
def models_install(
    what: List[str] = typer.Argument(..., help="`SRC TGT` (download) or a .argosmodel file / package folder"),
    models_dir: Optional[Path] = ModelsDir, config: Optional[Path] = ConfigOpt,
) -> None:
    """Install from the Argos package index (online) or from a local file or folder (offline)."""
    from transnorm.translation.models import (
        ModelError,
        install_from_index,
        install_from_path,
    )

    folder = _models_dir(models_dir, config)
    try:
        if len(what) == 1:
            info = install_from_path(Path(what[0]), folder)
        elif len(what) == 2:
            info = install_from_index(what[0], what[1], folder)
        else:
            fail("give `SRC TGT` (e.g. `ru en`) or one PATH.argosmodel")
    except ModelError as exc:
        fail(str(exc), code=1)
    typer.echo(f"installed {info.from_code} -> {info.to_code} ({info.model_id}) in {folder}")


@models_app.command("remove")
def models_remove(src: str, tgt: str, models_dir: Optional[Path] = ModelsDir,
                  config: Optional[Path] = ConfigOpt) -> None:
    """Remove the installed SRC -> TGT model."""
    from transnorm.translation.models import remove

    folder = _models_dir(models_dir, config)
    removed = remove(src, tgt, folder)
    if not removed:
        fail(f"no {src} -> {tgt} model installed in {folder}", code=1)
    for m in removed:
        typer.echo(f"removed {m.model_id}")
