"""Text extraction from uploaded plan bodies (.txt, .md, .docx).

`extract_text` returns plain text with "\\n" line breaks, ready for clause
splitting. Anything we cannot or will not read raises `DocumentError` with a
message in Chinese that can be shown to staff as is; `code` tells callers the
reason without parsing the message.

Pure: no Flask import, so the worker and the CLI can use it too.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath
from typing import Any

__all__ = [
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_UPLOAD_BYTES",
    "SUPPORTED_EXTENSIONS",
    "DocumentError",
    "extract_text",
]

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A real plan in .docx is a few hundred KB unpacked; 50 MB leaves room for
# embedded images while refusing zip bombs before python-docx inflates them.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
SUPPORTED_EXTENSIONS = (".txt", ".md", ".docx")


class DocumentError(ValueError):
    """An upload we cannot turn into text; `message_zh` is shown to the user."""

    def __init__(self, message_zh: str, code: str = "invalid") -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.code = code


def extract_text(filename: str, data: bytes) -> str:
    """Plain text of an uploaded plan body; raises DocumentError if unusable."""
    ext = PurePath(filename or "").suffix.lower()
    if ext == ".markdown":
        ext = ".md"
    if ext not in SUPPORTED_EXTENSIONS:
        if ext == ".doc":
            raise DocumentError(
                "暂不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再上传。", "unsupported"
            )
        shown = ext or "（无扩展名）"
        raise DocumentError(
            f"不支持的文件类型 {shown}，请上传 .txt、.md 或 .docx 文件。", "unsupported"
        )
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上传文件不能超过 5 MB。", "too_large"
        )
    if not data:
        raise DocumentError("文件是空的，请检查后重新上传。", "empty")

    if ext == ".docx":
        text = _docx_text(data)
    else:
        text = _decode(data)
        if ext == ".md":
            text = _strip_markdown(text)
    text = _normalise(text)
    if not text.strip():
        raise DocumentError("文件中没有可读取的文字内容。", "empty")
    return text


# --------------------------------------------------------------------------- plain text

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Control characters other than tab/newline/CR/FF betray a binary file that
# happened to decode (GB18030 accepts many byte sequences).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _decode(data: bytes) -> str:
    text: str | None = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                text = None
            break
    else:
        # Windows tools in China still save as GBK/GB18030 by default.
        for codec in ("utf-8", "gb18030"):
            try:
                text = data.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    if text is None or len(_CONTROL.findall(text)) > max(2, len(text) // 200):
        raise DocumentError(
            "无法识别文件编码，请将文件另存为 UTF-8 编码的文本后重新上传。", "undecodable"
        )
    return _CONTROL.sub("", text)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    # Trailing spaces carry nothing; keep full-width spaces inside lines (indentation).
    lines = [ln.rstrip() for ln in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


# --------------------------------------------------------------------------- markdown

_MD_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_MD_SETEXT = re.compile(r"^\s*(=+|-+)\s*$")
_MD_HR = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_MD_QUOTE = re.compile(r"^\s*(>\s?)+")
_MD_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# Single-star emphasis sits right against CJK characters ("这是*重点*"), so only
# ASCII alphanumerics before the star rule it out (as in "3*4").
_MD_EMPH = re.compile(r"(\*\*|__)(.+?)\1|(?<![*0-9A-Za-z])\*(?!\s)(.+?)(?<!\s)\*(?!\*)")
_MD_CODE = re.compile(r"`([^`]*)`")
_MD_HTML = re.compile(r"</?[a-zA-Z][^>]*>")


def _strip_markdown(text: str) -> str:
    """Drop markdown syntax but keep every word, including literal numbering ("1. ")."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _MD_FENCE.match(line) or (_MD_TABLE_SEP.match(line) and "|" in line):
            continue
        if _MD_HR.match(line) or (_MD_SETEXT.match(line) and out and out[-1].strip()):
            continue
        m = _MD_HEADING.match(line)
        if m:
            line = m.group(1)
        line = _MD_QUOTE.sub("", line)
        line = _MD_BULLET.sub(r"\1", line)
        if line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            line = "\t".join(cells)
        line = _MD_IMAGE.sub(r"\1", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_CODE.sub(r"\1", line)
        line = _MD_EMPH.sub(lambda m: m.group(2) or m.group(3) or "", line)
        line = _MD_HTML.sub("", line)
        out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------- docx


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentError(
            "Word 文件已损坏或不是有效的 .docx 文件，请重新保存后上传。", "corrupt"
        ) from exc
    infos = zf.infolist()
    # zipfile stops inflating a member at its declared file_size, so the sum of
    # declared sizes bounds what python-docx can be made to unpack.
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_ZIP_MEMBERS or total > MAX_UNCOMPRESSED_BYTES:
        raise DocumentError(
            "Word 文件解压后体积异常（超过 50 MB），已拒绝处理。请删除大图片等内容后重新上传。",
            "bomb",
        )
    if "word/document.xml" not in zf.namelist():
        raise DocumentError("Word 文件已损坏或不是有效的 .docx 文件，请重新保存后上传。", "corrupt")
    return zf


def _docx_text(data: bytes) -> str:
    _check_zip(data)
    # Imported here so plain-text uploads do not pay for lxml/python-docx.
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises assorted lxml/KeyError/ValueError types
        raise DocumentError(
            "Word 文件已损坏或不是有效的 .docx 文件，请重新保存后上传。", "corrupt"
        ) from exc

    lines: list[str] = []

    def walk(parent_element: Any, parent: Any) -> None:
        for child in parent_element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, parent).text)
            elif tag == "tbl":
                table(Table(child, parent))
            elif tag == "sdt":
                # Content controls (form fields in templates) wrap ordinary paragraphs.
                content = child.find(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sdtContent"
                )
                if content is not None:
                    walk(content, parent)

    def table(tbl: Table) -> None:
        for row in tbl.rows:
            cells: list[str] = []
            seen: set[int] = set()
            for cell in row.cells:
                # Merged cells come back once per spanned grid column.
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                before = len(lines)
                walk(cell._tc, cell)
                inner = lines[before:]
                del lines[before:]
                cells.append(" ".join(s.strip() for s in inner if s.strip()))
            if any(cells):
                lines.append("\t".join(cells))

    try:
        walk(document.element.body, document)
    except Exception as exc:
        raise DocumentError(
            "Word 文件已损坏或不是有效的 .docx 文件，请重新保存后上传。", "corrupt"
        ) from exc
    return "\n".join(lines)
