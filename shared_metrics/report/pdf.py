"""The pack as a PDF (A4), drawn with fpdf2 from the same content as the HTML: no browser needed."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from shared_metrics.report.content import (
    FONT_SIZE,
    IntervalChart,
    Pack,
    Paragraph,
    Section,
    Table,
    chart_height,
    chart_shapes,
)
from shared_metrics.system_packages import DEJAVU_FILES, DEJAVU_FOLDER

FONT = "DejaVu"
HEADING_COLOUR = (31, 78, 121)
HEADER_FILL = (232, 238, 245)
WARNING_FILL = (255, 243, 205)
STRIPE_FILL = (247, 247, 247)
TABLE_FONT_SIZE = 7
CELL_PADDING = 0.8


class MissingFontError(RuntimeError):
    """The PDF's Unicode font is not installed; the message says how to install it."""


def font_folder() -> Path:
    """The folder of the PDF's Unicode font (the pack writes →, ÷ and –, which the PDF core fonts lack)."""
    folder = Path(DEJAVU_FOLDER)
    if all((folder / name).is_file() for name in DEJAVU_FILES.values()):
        return folder
    raise MissingFontError(
        f"The PDF pack needs the DejaVu Sans fonts ({', '.join(DEJAVU_FILES.values())}) in {folder}: install "
        "them with `apt-get install fonts-dejavu-core` (or, as root, "
        "`python3 -m shared_metrics.system_packages fonts`)."
    )


class PackPDF(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.pack_title = title
        folder = font_folder()
        for style, name in DEJAVU_FILES.items():
            self.add_font(FONT, style, str(folder / name))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=15)
        self.set_title(title)
        self.set_creator("shared-metrics warehouse")

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 7)
        self.set_text_color(120)
        self.cell(0, 4, f"{self.pack_title}, page {self.page_no()} of {{nb}}", align="C")


def to_pdf(pack: Pack) -> bytes:
    pdf = PackPDF(pack.title)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.set_text_color(*HEADING_COLOUR)
    pdf.multi_cell(0, 8, pack.title, new_x="LMARGIN", new_y="NEXT")
    for line in pack.lines:
        _paragraph(pdf, line)
    for section in pack.sections:
        _section(pdf, section)
    return bytes(pdf.output())


def _section(pdf: PackPDF, section: Section) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*HEADING_COLOUR)
    pdf.start_section(section.heading)
    pdf.multi_cell(0, 6, section.heading, new_x="LMARGIN", new_y="NEXT")
    if section.definitions:
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(110)
        pdf.multi_cell(
            0, 3.5, f"Shared definitions: {', '.join(section.definitions)}.", new_x="LMARGIN", new_y="NEXT"
        )
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _paragraph(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        elif isinstance(block, IntervalChart):
            _chart(pdf, block)


def _paragraph(pdf: PackPDF, paragraph: Paragraph) -> None:
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(51)
    pdf.set_fill_color(*WARNING_FILL)
    pdf.multi_cell(0, 4.2, paragraph.text, fill=paragraph.is_warning, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _column_widths(pdf: PackPDF, table: Table) -> list[float]:
    """Millimetres: each column as wide as its widest cell or its heading's longest word (at most 60 % of the
    page: longer text wraps). When that is wider than the page, the text columns give way (they wrap) and
    figure columns keep their width (a number never breaks); only when figures alone are too wide are all
    scaled."""
    natural = []
    for index, column in enumerate(table.columns):
        pdf.set_font(FONT, "B", TABLE_FONT_SIZE)
        heading = max(pdf.get_string_width(word) for word in column.split())
        pdf.set_font(FONT, "", TABLE_FONT_SIZE)
        cells = max((pdf.get_string_width(row[index]) for row in table.rows), default=0.0)
        natural.append(min(max(heading, cells) + 2 * CELL_PADDING + 1, 0.6 * pdf.epw))
    labels, figures = natural[: table.label_columns], natural[table.label_columns :]
    room = pdf.epw - sum(figures)
    if sum(natural) > pdf.epw and room > 15 * len(labels):
        labels = [width * room / sum(labels) for width in labels]
    widths = labels + figures
    return [width * pdf.epw / sum(widths) for width in widths]


def _table(pdf: PackPDF, table: Table) -> None:
    widths = _column_widths(pdf, table)
    pdf.set_font(FONT, "", TABLE_FONT_SIZE)
    pdf.set_text_color(51)
    pdf.set_draw_color(200)
    pdf.set_fill_color(*STRIPE_FILL)  # the stripes' colour: fpdf2 fills the body's cells with the current one
    align = ["LEFT" if index < table.label_columns else "RIGHT" for index in range(len(table.columns))]
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
        cell_fill_mode="ROWS",
        line_height=3.4,
        padding=CELL_PADDING,
    ) as rendered:
        for row in (table.columns, *table.rows):
            cells = rendered.row()
            for cell in row:
                cells.cell(cell)
    if table.caption:
        pdf.set_font(FONT, "", 7)
        pdf.set_text_color(110)
        pdf.multi_cell(0, 3.3, table.caption, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _chart(pdf: PackPDF, chart: IntervalChart) -> None:
    height = chart_height(chart)
    if pdf.will_page_break(height + 2):
        pdf.add_page()
    left, top = pdf.l_margin, pdf.get_y() + 1
    pdf.set_line_width(0.3)
    for shape in chart_shapes(chart):
        colour = tuple(int(shape.colour[i : i + 2], 16) for i in (1, 3, 5))
        if shape.kind == "rect":
            pdf.set_fill_color(*colour)
            pdf.rect(left + shape.x, top + shape.y, shape.x2 - shape.x, shape.y2 - shape.y, style="F")
        elif shape.kind == "line":
            pdf.set_draw_color(*colour)
            pdf.line(left + shape.x, top + shape.y, left + shape.x2, top + shape.y2)
        else:
            pdf.set_font(FONT, "B" if shape.bold else "", FONT_SIZE)
            pdf.set_text_color(*colour)
            width = pdf.get_string_width(shape.text)
            shift = {"start": 0.0, "middle": width / 2, "end": width}[shape.anchor]
            pdf.text(left + shape.x - shift, top + shape.y, shape.text)
    pdf.set_y(top + height + 2)
