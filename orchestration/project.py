"""The dbt project as Dagster sees it."""

from dagster_dbt import DbtProject

from shared_metrics.settings import PROJECT_DIR

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
# Under `dg dev` the manifest is re-parsed on every reload; elsewhere `make manifest` (dbt parse) made it.
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    raise FileNotFoundError(
        f"dbt manifest {dbt_project.manifest_path} is missing: run `make manifest` (dbt parse) first."
    )
