"""What every page shares: number formats, colours, the rate heatmap."""

import plotly.express as px

# One colour per "sourced by" value on every chart.
SOURCED_BY_COLORS = {
    "marketing": "#1f77b4",
    "sales": "#ff7f0e",
    "partner": "#2ca02c",
    "other": "#9467bd",
    "unknown": "#7f7f7f",
}


def percent(value) -> str:
    return "n/a" if value is None or value != value else f"{100 * float(value):.1f}%"


def as_percent(figure):
    """Show a 0-1 rate on the y axis as a percentage."""
    return figure.update_yaxes(tickformat=".0%")


# What a comparison column (readouts' differs_from_rest) means, for its tooltip.
DIFFERS_HELP = (
    "higher / lower: differs from the rest beyond chance (two-proportion test, Benjamini–Hochberg at a 5 % "
    "false discovery rate over the whole table); blank: no difference that holds, or too few to compare."
)


def with_error_bars(frame, value: str):
    """The distances from `value` to its interval's bounds (`value`_lower, `value`_upper), as plotly's
    error_y="above" and error_y_minus="below" draw them."""
    return frame.assign(
        above=frame[f"{value}_upper"] - frame[value], below=frame[value] - frame[f"{value}_lower"]
    )


def rate_heatmap(grid, title: str, rows: str):
    """A 0-1 rate by row and week of MQL, red to green."""
    return px.imshow(
        grid,
        color_continuous_scale="RdYlGn",
        zmin=0,
        zmax=1,
        aspect="auto",
        title=title,
        labels={"x": "week of MQL", "y": rows, "color": "share"},
    )
