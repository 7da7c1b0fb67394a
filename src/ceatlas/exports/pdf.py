"""A plain Letter-size PDF document (fpdf2 core fonts) for plans and CE transcripts."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos


def latin1(text: str) -> str:
    """Text the PDF core fonts can show (curly quotes and dashes made plain)."""
    table = {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
    plain = "".join(table.get(ch, ch) for ch in text)
    return plain.encode("latin-1", "replace").decode("latin-1")


class Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="Letter")
        self.doc_title = latin1(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(self.doc_title)
        self.set_creator("CE Atlas")
        self.add_page()
        self.set_font("Helvetica", "B", 15)
        self.cell(0, 9, self.doc_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=10)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, f"CE Atlas - page {self.page_no()}", align="C")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font("Helvetica", "B", 12)
        self.multi_cell(0, 6, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=10)

    def line_text(self, text: str, bold: bool = False, size: int = 10) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, 5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=10)

    def pdf_bytes(self) -> bytes:
        return bytes(self.output())
