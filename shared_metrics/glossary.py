"""The metric glossary, docs/metrics.md, generated from the dbt project: seeds (stage definitions, SLA
targets, source map, scoring rules), the semantic layer (every metric's definition and formula) and the marts
(each table's grain). `make docs` writes it; `python -m shared_metrics.glossary --check` fails when the file
is out of date (a test runs that check)."""

from __future__ import annotations

import argparse
import csv
import json
import sys

import yaml

from shared_metrics.settings import PROJECT_DIR, SEEDS_DIR

GLOSSARY = PROJECT_DIR / "docs" / "metrics.md"
TARGET = PROJECT_DIR / "target"


def table(header: list[str], rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def seed_table(name: str, sort_by: tuple[str, ...] = ()) -> str:
    with (SEEDS_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if sort_by:
        rows.sort(key=lambda row: tuple(row[k] for k in sort_by))
    header = list(rows[0]) if rows else []
    return table(header, [[row[k] for k in header] for row in rows])


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text.split(". ")[0].rstrip(".") + "."


def measure_formula(measure: dict) -> str:
    expression = measure.get("expr") or measure["name"]
    return f"{measure['agg']}({expression})"


def metric_formula(metric: dict, measures: dict[str, dict]) -> str:
    params = metric["type_params"]
    if metric["type"] == "simple":
        formula = measure_formula(measures[params["measure"]["name"]])
    elif metric["type"] == "ratio":
        formula = f"{params['numerator']['name']} ÷ {params['denominator']['name']}"
    elif metric["type"] == "derived":
        aliases = ", ".join(f"{m.get('alias') or m['name']} = {m['name']}" for m in params["metrics"])
        formula = f"{params['expr']} where {aliases}"
    else:
        formula = metric["type"]
    if metric.get("filter"):
        filters = " and ".join(f["where_sql_template"] for f in metric["filter"]["where_filters"])
        formula += f", only where {filters}"
    return formula


def metric_sections(semantic: dict, manifest: dict) -> list[str]:
    measures: dict[str, dict] = {}
    model_of_measure: dict[str, dict] = {}
    for model in semantic["semantic_models"]:
        for measure in model["measures"]:
            measures[measure["name"]] = measure
            model_of_measure[measure["name"]] = model
    metrics = {metric["name"]: metric for metric in semantic["metrics"]}

    def semantic_model_of(metric: dict) -> dict:
        params = metric["type_params"]
        if metric["type"] == "simple":
            return model_of_measure[params["measure"]["name"]]
        if metric["type"] == "ratio":
            return semantic_model_of(metrics[params["numerator"]["name"]])
        return semantic_model_of(metrics[params["metrics"][0]["name"]])

    tables = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    sections = []
    for model in semantic["semantic_models"]:
        in_model = [m for m in semantic["metrics"] if semantic_model_of(m)["name"] == model["name"]]
        mart = model["node_relation"]["alias"]
        time = model["defaults"]["agg_time_dimension"]
        dimensions = ", ".join(
            f"`{model['primary_entity'] or model['entities'][0]['name']}__{d['name']}`"
            if d["type"] != "time"
            else f"`metric_time` ({d['name']})"
            for d in model["dimensions"]
        )
        sections.append(
            f"### {model['name']}\n\n{' '.join(model['description'].split())}\n\n"
            f"Source table: `metrics.{mart}` ({first_sentence(tables[mart]['description'])}) "
            f"Time: `{time}`. Dimensions: {dimensions}.\n\n"
            + table(
                ["metric", "label", "definition", "formula"],
                [
                    [
                        f"`{m['name']}`",
                        m["label"],
                        " ".join(m["description"].split()),
                        metric_formula(m, measures),
                    ]
                    for m in sorted(in_model, key=lambda m: m["name"])
                ],
            )
        )
    return sections


def render() -> str:
    semantic = json.loads((TARGET / "semantic_manifest.json").read_text(encoding="utf-8"))
    manifest = json.loads((TARGET / "manifest.json").read_text(encoding="utf-8"))
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    marts = sorted(
        (node["name"], first_sentence(node["description"]))
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"].endswith("metrics")
    )
    parts = [
        "# Metric glossary",
        "Generated by `make docs` from the dbt project (seeds, `models/semantic/*.yml`, model descriptions). "
        "Do not edit: change the source and run `make docs`; a test fails when this file is out of date.",
        "Query any metric with MetricFlow, e.g. `make metrics`, or:\n\n"
        "```\nDBT_TARGET=published .venv/bin/mf query --metrics mql_to_sql_rate "
        "--group-by metric_time__month \\\n"
        "  --where \"{{ Dimension('lead__segment') }} = 'Enterprise'\"\n```",
        "## Funnel stages (seed `funnel_stages`)",
        seed_table("funnel_stages"),
        "Lead statuses map to stages in seed `funnel_stage_map`:\n\n" + seed_table("funnel_stage_map"),
        "## Who sourced a lead (seed `lead_source_map`)",
        seed_table("lead_source_map"),
        "## Segments (seed `segment_bands`, by employee count)",
        seed_table("segment_bands"),
        "## Sales SLA targets (seed `sales_sla_targets`)",
        "A target is in force from its `effective_from` date until a later row for the same segment "
        "replaces it; an MQL is judged by the target in force when it became an MQL. Business minutes "
        "follow the owner's territory calendar (seeds `business_calendar`, `business_holidays`).\n\n"
        + seed_table("sales_sla_targets", ("segment", "effective_from")),
        "## Marketing SLA targets (seed `marketing_sla_targets`)",
        "Monthly MQL quota and marketing-sourced pipeline target per segment and territory, in force from "
        "`effective_from`.\n\n"
        + seed_table("marketing_sla_targets", ("segment", "territory", "effective_from")),
        "## Lead scoring (seed `lead_scoring_rules`)",
        f"A lead's score is the sum of the points of every rule it matches; the MQL threshold is "
        f"{project['vars']['mql_score_threshold']} (var `mql_score_threshold`).\n\n"
        + seed_table("lead_scoring_rules"),
        "## Settings (vars in `dbt_project.yml`)",
        table(["var", "value"], [[f"`{k}`", v] for k, v in project["vars"].items()]),
        "## Metrics",
        *metric_sections(semantic, manifest),
        "## Tables in schema `metrics`",
        table(["table", "grain"], [[f"`{name}`", grain] for name, grain in marts]),
    ]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when docs/metrics.md is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not GLOSSARY.exists() or GLOSSARY.read_text(encoding="utf-8") != text:
            sys.exit(f"{GLOSSARY} is out of date: run `make docs` and commit it.")
        return
    GLOSSARY.parent.mkdir(parents=True, exist_ok=True)
    GLOSSARY.write_text(text, encoding="utf-8")
    print(f"wrote {GLOSSARY}")


if __name__ == "__main__":
    main()
