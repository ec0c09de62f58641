"""The dbt project as Dagster sees it."""

from dagster_dbt import DbtProject

from shared_metrics.refresh_mode import PROJECT_INPUTS, project_files
from shared_metrics.settings import PROJECT_DIR

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


def manifest_is_stale() -> bool:
    """True when a model, macro, seed or setting changed since the manifest was parsed (or there is none)."""
    if not dbt_project.manifest_path.exists():
        return True
    parsed_at = dbt_project.manifest_path.stat().st_mtime
    return any(f.stat().st_mtime > parsed_at for f in project_files((*PROJECT_INPUTS, "profiles.yml")))


# Every `dg` command (dev, launch) counts as development and would re-parse the project on each load (seconds
# per refresh): re-parse only when something changed since `make manifest` (dbt parse) or the last reload.
if manifest_is_stale():
    dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    raise FileNotFoundError(
        f"dbt manifest {dbt_project.manifest_path} is missing: run `make manifest` (dbt parse) first."
    )
