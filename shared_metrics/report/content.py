"""The pack's content model, rendered alike to HTML and PDF: sections of paragraphs, tables and interval
charts whose cells are already formatted text, and the chart geometry both renderers draw."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    is_warning: bool = False


@dataclass(frozen=True)
class Table:
    """Formatted cells; the first ``label_columns`` columns are text, the rest figures (right-aligned).
    ``caption`` says what the figures count."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    label_columns: int = 1


@dataclass(frozen=True)
class Bar:
    """One rate with its 95 % interval; ``is_current`` marks the pack's own week or month."""

    label: str
    rate: float | None
    lower: float | None
    upper: float | None
    is_too_few: bool = False
    is_current: bool = False


@dataclass(frozen=True)
class IntervalChart:
    """Horizontal bars of rates in [0, 1], each with its interval as a whisker."""

    title: str
    bars: tuple[Bar, ...]


Block = Paragraph | Table | IntervalChart


@dataclass(frozen=True)
class Section:
    """``definitions`` names the shared definitions (seed shared_definitions) its figures follow."""

    heading: str
    blocks: tuple[Block, ...]
    definitions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pack:
    week_label: str  # the ISO week, 2026-W43
    title: str
    lines: tuple[Paragraph, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)


# --- Formatting: one way to show each kind of figure -------------------------------------------------------

MISSING = "–"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(rate) -> str:
    return MISSING if _missing(rate) else f"{100 * float(rate):.1f} %"


def interval(lower, upper) -> str:
    if _missing(lower) or _missing(upper):
        return MISSING
    return f"{100 * float(lower):.1f}–{100 * float(upper):.1f} %"


def count(value) -> str:
    return MISSING if _missing(value) else f"{round(float(value)):,}"


def amount(value) -> str:
    """Money in the warehouse's currency, whole units."""
    return MISSING if _missing(value) else f"{float(value):,.0f}"


def points(difference) -> str:
    """A difference of two rates, in percentage points."""
    return MISSING if _missing(difference) else f"{100 * float(difference):+.1f} pts"


def p_value(value) -> str:
    if _missing(value):
        return MISSING
    return "< 0.0001" if value < 1e-4 else f"{float(value):.4f}"


# --- Chart geometry, in millimetres, shared by the SVG and the PDF ------------------------------------------

CHART_WIDTH = 180.0
ROW_HEIGHT = 6.0
LABEL_WIDTH = 48.0
VALUE_WIDTH = 40.0
TITLE_HEIGHT = 7.0
AXIS_HEIGHT = 5.0
FONT_SIZE = 7.0  # points
CURRENT_COLOUR = "#1f4e79"
BAR_COLOUR = "#8fb3d9"
TOO_FEW_COLOUR = "#d9d9d9"
INK = "#333333"


@dataclass(frozen=True)
class Shape:
    """A filled rectangle ('rect': corners x, y and x2, y2), a line ('line': x, y to x2, y2) or text ('text':
    baseline at x, y; anchor start, middle or end)."""

    kind: str
    x: float
    y: float
    x2: float = 0.0
    y2: float = 0.0
    colour: str = INK
    text: str = ""
    anchor: str = "start"
    bold: bool = False


def chart_height(chart: IntervalChart) -> float:
    return TITLE_HEIGHT + ROW_HEIGHT * len(chart.bars) + AXIS_HEIGHT


def chart_shapes(chart: IntervalChart) -> list[Shape]:
    """The chart as shapes with (0, 0) at its top left: a title, per bar its label, bar, whisker and value,
    and an axis at 0, 50 and 100 %."""
    plot_left, plot_width = LABEL_WIDTH, CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    shapes = [Shape("text", 0, TITLE_HEIGHT - 2.5, text=chart.title, bold=True)]
    for index, bar in enumerate(chart.bars):
        top = TITLE_HEIGHT + index * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        shapes.append(Shape("text", plot_left - 2, middle + 1.2, text=bar.label, anchor="end"))
        colour = TOO_FEW_COLOUR if bar.is_too_few else CURRENT_COLOUR if bar.is_current else BAR_COLOUR
        if not _missing(bar.rate):
            width = plot_width * min(max(float(bar.rate), 0.0), 1.0)
            shapes.append(
                Shape(
                    "rect", plot_left, top + 1, x2=plot_left + width, y2=top + ROW_HEIGHT - 1, colour=colour
                )
            )
        if not (_missing(bar.lower) or _missing(bar.upper)):
            low, high = plot_left + plot_width * bar.lower, plot_left + plot_width * bar.upper
            shapes += [
                Shape("line", low, middle, x2=high, y2=middle),
                Shape("line", low, middle - 1.5, x2=low, y2=middle + 1.5),
                Shape("line", high, middle - 1.5, x2=high, y2=middle + 1.5),
            ]
        value = percent(bar.rate) + (" (too few)" if bar.is_too_few else "")
        shapes.append(
            Shape("text", plot_left + plot_width + 2, middle + 1.2, text=value, bold=bar.is_current)
        )
    axis = TITLE_HEIGHT + ROW_HEIGHT * len(chart.bars)
    shapes.append(Shape("line", plot_left, axis, x2=plot_left + plot_width, y2=axis))
    for share in (0.0, 0.5, 1.0):
        x = plot_left + plot_width * share
        shapes.append(Shape("line", x, axis, x2=x, y2=axis + 1))
        shapes.append(Shape("text", x, axis + AXIS_HEIGHT - 1, text=f"{share:.0%}", anchor="middle"))
    return shapes
