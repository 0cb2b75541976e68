"""Rosters as files finance offices open: XLSX (openpyxl) and CSV (UTF-8 with a BOM, so Excel reads Chinese).

Amounts are written as yuan strings with two decimals ("20000.00"), exactly as stored in fen, never
through a float; the last row is the total, summed in integer fen. ID numbers are masked (first 6, last 4).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from grassroots.subsidy.columns import AMOUNT, Column
from grassroots.subsidy.models import Roster
from grassroots.subsidy.money import total_fen, yuan

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Heading:
    """What the top of the sheet says: the annex's title, who compiled it for which year and payer."""

    title: str
    subtitle: str


def heading(roster: Roster, tenant_name: str, payer_name: str) -> Heading:
    title = roster.title or {}
    annex = f"（{title['annex']}）" if title.get("annex") else ""
    scope = f"    服务地：{title['scope']['zh']}" if title.get("scope") else ""
    return Heading(f"{title.get('zh') or roster.claim_chain}{annex}",
                   f"填报单位：{tenant_name}    年度：{roster.year}    资金来源：{payer_name}{scope}")


def _total_row(columns: list[Column], views: list[dict]) -> list[str]:
    row = ["" for _ in columns]
    row[0] = "合计"
    if len(columns) > 1:
        row[1] = f"{len(views)} 人次"
    for n, column in enumerate(columns):
        if column.key == AMOUNT:
            row[n] = yuan(total_fen(v["amount_fen"] for v in views))
    return row


def safe(text: str) -> str:
    """A cell that a spreadsheet would run as a formula (=, +, -, @ first) is kept as text (CSV injection)."""
    return "'" + text if text[:1] in FORMULA_START else text


def _rows(columns: list[Column], views: list[dict]) -> list[list[str]]:
    return [[safe(c.value(v)) for c in columns] for v in views]


def xlsx_bytes(head: Heading, columns: list[Column], views: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "名册"
    width = len(columns)
    sheet.append([safe(head.title)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([safe(head.subtitle)])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.append([c.title["zh"] for c in columns])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    amount_at = [n + 1 for n, c in enumerate(columns) if c.key == AMOUNT]
    for row in [*_rows(columns, views), _total_row(columns, views)]:
        sheet.append(row)
        for col in amount_at:
            cell = sheet.cell(row=sheet.max_row, column=col)
            cell.number_format = "@"  # text: the exact yuan string, never a float
            cell.alignment = Alignment(horizontal="right")
    for n, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=3, column=n).column_letter].width = 8 if column.key == "seq" else 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(columns: list[Column], views: list[dict]) -> bytes:
    """The header row first (machine-readable), then the lines, then the total; the heading is the file name's."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.title["zh"] for c in columns])
    writer.writerows(_rows(columns, views))
    writer.writerow(_total_row(columns, views))
    return text.getvalue().encode("utf-8-sig")
