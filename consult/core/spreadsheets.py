"""Reading and writing tables (CSV, XLSX) safely: size limits, encodings, formula neutralising."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
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
        rows = list(csv.reader(io.StringIO(_decode(data))))
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
        {header[i]: ("" if v is None else str(v)) for i, v in enumerate(row) if i < len(header) and header[i]}
        for row in rows[1:]
        if any(v not in (None, "") for v in row)
    ]


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED:
                raise TableError("表格解压后过大，已拒绝（疑似压缩炸弹）。")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except TableError:
        raise
    except Exception:  # noqa: BLE001 - any parse failure is the file's fault
        raise TableError("无法读取该 .xlsx 文件，文件可能已损坏。") from None
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas (=HYPERLINK(...) and friends) in exported text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
