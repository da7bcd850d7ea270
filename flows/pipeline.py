"""Entry point the deployments in prefect.yaml name (`flows/pipeline.py:translate_normalise`).

The flow itself lives in the package (transnorm.ops.flow) so the CLI, tests and Dask workers
import it by module name; this file only re-exports it for `prefect deploy` and workers.
"""

from transnorm.ops.flow import translate_normalise

__all__ = ["translate_normalise"]
