"""How long an XLSX bomb holds the reader: refused by the archive check vs parsed by openpyxl; one JSON line.

The bomb is one repeated row, ``--mb`` MB of sheet XML zipped to a few tens of KB (the shape of the
security review's 54 KB file). ``refused_s`` is ``read_table`` refusing it; ``openpyxl_s`` is what
streaming every row of it costs without the check (what a web worker used to spend). Usage::

    python benchmarks/xlsx_bomb_benchmark.py --mb 20
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import load_workbook  # noqa: E402

from consult.core.files.spreadsheets import TableError, read_table, write_xlsx  # noqa: E402


def bomb(mb: int) -> bytes:
    row = '<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaa</t></is></c></row>'
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + row * (mb * 1024 * 1024 // len(row)) + "</sheetData></worksheet>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(write_xlsx([("表", ["内容"], [["x"]])]))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            out.writestr(item.filename, sheet if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename))
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=20)
    args = parser.parse_args()
    data = bomb(args.mb)
    start = time.perf_counter()
    try:
        read_table("bomb.xlsx", data)
        message = ""
    except TableError as error:
        message = error.message
    refused = time.perf_counter() - start
    start = time.perf_counter()
    rows = sum(1 for _ in load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))
    parsed = time.perf_counter() - start
    print(json.dumps({"zipped_kb": round(len(data) / 1024), "sheet_xml_mb": args.mb, "refused_s": round(refused, 4),
                      "message": message, "openpyxl_rows": rows, "openpyxl_s": round(parsed, 2)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
