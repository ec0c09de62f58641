"""The pack as one self-contained HTML file: inline CSS, charts as inline SVG."""

from __future__ import annotations

from html import escape

from shared_metrics.report.content import (
    CHART_WIDTH,
    FONT_SIZE,
    IntervalChart,
    Pack,
    Paragraph,
    Section,
    Table,
    chart_height,
    chart_shapes,
)

STYLE = """
body { font-family: 'DejaVu Sans', Verdana, sans-serif; font-size: 13px; color: #333; max-width: 60em;
       margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; color: #1f4e79; } h2 { font-size: 1.25em; color: #1f4e79; margin-top: 2em;
     border-bottom: 1px solid #8fb3d9; }
table { border-collapse: collapse; margin: 0.5em 0 0.3em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; vertical-align: top; }
th { background: #e8eef5; text-align: left; } td.figure { text-align: right; white-space: nowrap; }
p.caption { color: #666; font-size: 0.9em; margin-top: 0; }
p.warning { background: #fff3cd; padding: 0.4em; }
p.definitions { font-size: 0.9em; color: #666; }
svg { display: block; margin: 0.8em 0; max-width: 100%; }
"""


def to_html(pack: Pack) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(pack.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(pack.title)}</h1>",
        *(_paragraph(line) for line in pack.lines),
        *(_section(section) for section in pack.sections),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _section(section: Section) -> str:
    parts = [f"<section><h2>{escape(section.heading)}</h2>"]
    if section.definitions:
        names = ", ".join(escape(name) for name in section.definitions)
        parts.append(f'<p class="definitions">Shared definitions: {names}.</p>')
    for block in section.blocks:
        if isinstance(block, Paragraph):
            parts.append(_paragraph(block))
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, IntervalChart):
            parts.append(_chart(block))
    parts.append("</section>")
    return "\n".join(parts)


def _paragraph(paragraph: Paragraph) -> str:
    css = ' class="warning"' if paragraph.is_warning else ""
    return f"<p{css}>{escape(paragraph.text)}</p>"


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(column)}</th>" for column in table.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{'' if index < table.label_columns else ' class=figure'}>{escape(cell)}</td>"
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in table.rows
    )
    caption = f'<p class="caption">{escape(table.caption)}</p>' if table.caption else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{caption}"


def _chart(chart: IntervalChart) -> str:
    """The chart's shapes in SVG, one SVG unit a millimetre (as in the PDF)."""
    height = chart_height(chart)
    font = FONT_SIZE * 0.3528  # points to millimetres
    elements = []
    for shape in chart_shapes(chart):
        if shape.kind == "rect":
            elements.append(
                f'<rect x="{shape.x:.2f}" y="{shape.y:.2f}" width="{shape.x2 - shape.x:.2f}" '
                f'height="{shape.y2 - shape.y:.2f}" fill="{shape.colour}"/>'
            )
        elif shape.kind == "line":
            elements.append(
                f'<line x1="{shape.x:.2f}" y1="{shape.y:.2f}" x2="{shape.x2:.2f}" y2="{shape.y2:.2f}" '
                f'stroke="{shape.colour}" stroke-width="0.3"/>'
            )
        else:
            weight = ' font-weight="bold"' if shape.bold else ""
            elements.append(
                f'<text x="{shape.x:.2f}" y="{shape.y:.2f}" text-anchor="{shape.anchor}" '
                f'font-size="{font:.2f}" fill="{shape.colour}"{weight}>{escape(shape.text)}</text>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(chart.title)}" '
        f'viewBox="0 0 {CHART_WIDTH:.0f} {height:.2f}" width="{CHART_WIDTH * 3.78:.0f}">'
        + "".join(elements)
        + "</svg>"
    )
