"""Reading and writing tables (CSV, XLSX) safely: size, inflation and shape limits, encodings, formula neutralising.

An .xlsx is a zip: its members' declared sizes and compression ratios are checked before anything
is inflated, and rows are streamed (openpyxl read-only) and counted as they come, so a small file
that inflates to a huge sheet is refused in milliseconds instead of holding a web worker.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from consult.core import clock
from consult.core.text import strip_xml_illegal

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
# openpyxl streams about 4,000 small rows a second on one busy core: an upload is parsed inside the
# web request, so a workbook is held to what parses in seconds (larger tables: CSV, parsed in C).
MAX_XLSX_ROWS = 50_000
MAX_SHEET_XML = 32 * 1024 * 1024
MAX_COLUMNS = 200
MAX_UNCOMPRESSED = 100 * 1024 * 1024
# Real workbooks inflate 5-20x (sheet XML of text and numbers); a sheet of one cell repeated, the
# shape of a bomb, inflates several hundred times. Members under 1 MB are never a threat.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
MAX_FIELD_CHARS = 131_072
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """A table we refuse to read, with a message for the user (zh-CN)."""

    def __init__(self, message_zh: str) -> None:
        super().__init__(message_zh)
        self.message = message_zh


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("无法识别文件编码，请另存为 UTF-8 编码的 CSV。")


def read_table(filename: str, data: bytes) -> list[dict[str, str]]:
    """Rows as dicts keyed by the header row. Raises TableError for anything we cannot read."""
    name = (filename or "").lower()
    if not data:
        raise TableError("文件是空的。")
    if len(data) > MAX_BYTES:
        raise TableError("文件超过 20 MB，请拆分后分批导入。")
    if name.endswith(".csv"):
        rows = _csv_rows(_decode(data))
    elif name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    else:
        raise TableError("只支持 .csv 和 .xlsx 文件。")
    if not rows:
        raise TableError("文件没有内容。")
    header = [(h or "").strip() for h in rows[0]]
    if not any(header):
        raise TableError("第一行应为列名。")
    if len(rows) - 1 > MAX_ROWS:
        raise TableError(f"行数超过 {MAX_ROWS} 行，请拆分后分批导入。")
    return [
        {header[i]: ("" if v is None else strip_xml_illegal(str(v))) for i, v in enumerate(row) if i < len(header) and header[i]}
        for row in rows[1:]
        if any(v not in (None, "") for v in row)
    ]


def _csv_rows(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text))
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise TableError(f"行数超过 {MAX_ROWS} 行，请拆分后分批导入。")
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise TableError(f"第 {reader.line_num} 行有单元格超过 {MAX_FIELD_CHARS} 个字符，请检查文件（引号是否成对）。") from None
        raise TableError(f"第 {reader.line_num} 行无法解析，请另存为标准 CSV 文件。") from None
    return rows


def _check_archive(data: bytes) -> None:
    """Refuse a zip whose members would inflate too far, judged from the central directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise TableError("无法读取该 .xlsx 文件，文件可能已损坏。") from None
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise TableError(f"表格解压后超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB，已拒绝（疑似压缩炸弹），请拆分后分批导入。")
    for m in members:
        if m.file_size > MAX_SHEET_XML:
            raise TableError(f"表格过大（解压后单个部分超过 {MAX_SHEET_XML // (1024 * 1024)} MB），请拆分或另存为 CSV 后导入。")
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise TableError("表格压缩比异常（疑似压缩炸弹），已拒绝。请用 Excel 重新保存或另存为 CSV 后导入。")


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # The declared dimension is the file's claim, not its content: a bomb declares A1:XFD1048576
        # so every row would be padded to 16,384 cells. Rows are taken as they are instead.
        sheet.reset_dimensions()
        rows: list[list[Any]] = []
        for row in sheet.iter_rows(values_only=True):
            if len(row) > MAX_COLUMNS:
                raise TableError(f"第 {len(rows) + 1} 行超过 {MAX_COLUMNS} 列，请只保留需要导入的列。")
            rows.append(list(row))
            if len(rows) > MAX_XLSX_ROWS + 1:
                raise TableError(f"行数超过 {MAX_XLSX_ROWS} 行，请拆分后分批导入，或另存为 CSV（最多 {MAX_ROWS} 行）。")
        workbook.close()
    except TableError:
        raise
    except Exception:  # noqa: BLE001 - any parse failure is the file's fault
        raise TableError("无法读取该 .xlsx 文件，文件可能已损坏。") from None
    return rows


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas (=HYPERLINK(...) and friends) in exported text; instants in local time."""
    if isinstance(value, datetime):
        # openpyxl refuses aware datetimes and a CSV would print "+00:00": both read the office's time.
        return clock.local(value, "%Y-%m-%d %H:%M:%S")
    if isinstance(value, str):
        # One U+FFFE or control character in a citizen's text would make the whole workbook unwritable.
        value = strip_xml_illegal(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


class Formatted(float):
    """A number with its display: a numeric XLSX cell carrying ``number_format`` (so Excel sorts and
    sums it), and the same display as text in a CSV."""

    number_format: str
    text: str

    def __new__(cls, value: float, number_format: str, text: str) -> Formatted:
        made = super().__new__(cls, value)
        made.number_format, made.text = number_format, text
        return made

    def __str__(self) -> str:
        return self.text


def percent(share: float, places: int = 1) -> Formatted:
    """A share 0-1 shown as a percentage (0.125 → 12.5%)."""
    return Formatted(share, "0." + "0" * places + "%" if places else "0%", f"{share:.{places}%}")


def decimal(value: float, places: int = 1) -> Formatted:
    """A score or mean with a fixed number of decimals."""
    value = round(value, places)
    return Formatted(value, "0." + "0" * places if places else "0", f"{value:.{places}f}")


def write_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(strip_xml_illegal(title)[:31])
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            cells: list[Any] = []
            for v in row:
                if isinstance(v, Formatted):
                    cell = WriteOnlyCell(sheet, value=float(v))
                    cell.number_format = v.number_format
                    cells.append(cell)
                else:
                    cells.append(safe_cell(v))
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([str(v) if isinstance(v, Formatted) else safe_cell(v) for v in row])  # csv writes floats by repr
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
