"""Text extraction from uploaded plan bodies."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from consult.core.files.documents import (
    MAX_UNCOMPRESSED_BYTES,
    MAX_UPLOAD_BYTES,
    DocumentError,
    extract_text,
)

PLAN = (
    "关于优化营商环境的实施方案（征求意见稿）\n一、总体要求\n（一）指导思想\n坚持以企业需求为导向。"
)


def make_docx() -> bytes:
    d = docx.Document()
    d.add_heading("关于优化营商环境的实施方案（征求意见稿）", level=1)
    d.add_paragraph("一、总体要求")
    d.add_paragraph("第一条　为了规范审批，制定本方案。")
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate(
        [("事项", "现行时限", "压缩后时限"), ("企业开办", "3个工作日", "1个工作日")]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = d.add_table(rows=1, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "备注：时限均不含公示期"
    d.add_paragraph("二、保障措施")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_utf8_text_with_windows_newlines() -> None:
    data = PLAN.replace("\n", "\r\n").encode("utf-8")
    assert extract_text("方案.txt", data) == PLAN


def test_utf8_bom_is_removed() -> None:
    assert extract_text("plan.TXT", b"\xef\xbb\xbf" + PLAN.encode()) == PLAN


def test_gb18030_fallback_for_files_saved_by_windows_tools() -> None:
    text = "第一條　為了減輕基層負擔，制定本規定。\n第二条 本规定适用于全市。"
    assert extract_text("规定.txt", text.encode("gb18030")) == text


def test_utf16_with_bom() -> None:
    assert extract_text("plan.txt", PLAN.encode("utf-16")) == PLAN


def test_markdown_syntax_is_stripped_but_words_and_numbering_kept() -> None:
    md = (
        "# 关于优化营商环境的实施方案\n\n"
        "## 一、总体要求\n\n"
        "**（一）指导思想**\n"
        "坚持*以企业需求*为导向，详见[政策原文](https://example.gov.cn)。\n\n"
        "1. 压缩企业开办时间\n"
        "- 免费发放公章\n"
        "> 注：本条为新增内容\n\n"
        "| 事项 | 时限 |\n|---|---|\n| 企业开办 | 1个工作日 |\n"
    )
    out = extract_text("plan.md", md.encode())
    assert out.splitlines() == [
        "关于优化营商环境的实施方案",
        "",
        "一、总体要求",
        "",
        "（一）指导思想",
        "坚持以企业需求为导向，详见政策原文。",
        "",
        "1. 压缩企业开办时间",
        "免费发放公章",
        "注：本条为新增内容",
        "",
        "事项\t时限",
        "企业开办\t1个工作日",
    ]


def test_docx_paragraphs_and_tables_in_document_order() -> None:
    lines = extract_text("方案.docx", make_docx()).splitlines()
    assert lines == [
        "关于优化营商环境的实施方案（征求意见稿）",
        "一、总体要求",
        "第一条　为了规范审批，制定本方案。",
        "事项\t现行时限\t压缩后时限",
        "企业开办\t3个工作日\t1个工作日",
        "备注：时限均不含公示期",
        "二、保障措施",
    ]


@pytest.mark.parametrize(
    ("filename", "code", "needle"),
    [
        ("plan.pdf", "unsupported", ".pdf"),
        ("plan.doc", "unsupported", ".docx"),
        ("plan", "unsupported", "无扩展名"),
    ],
)
def test_unsupported_extensions_are_refused_in_chinese(
    filename: str, code: str, needle: str
) -> None:
    with pytest.raises(DocumentError) as err:
        extract_text(filename, b"content")
    assert err.value.code == code
    assert needle in err.value.message_zh


def test_empty_and_blank_files() -> None:
    with pytest.raises(DocumentError, match="空") as err:
        extract_text("plan.txt", b"")
    assert err.value.code == "empty"
    with pytest.raises(DocumentError) as err:
        extract_text("plan.txt", "\u3000\r\n  \n".encode())
    assert err.value.code == "empty"


def test_binary_garbage_is_undecodable() -> None:
    with pytest.raises(DocumentError) as err:
        extract_text("plan.txt", bytes(range(256)) * 20)
    assert err.value.code == "undecodable"
    assert "编码" in err.value.message_zh


def test_oversized_upload_is_refused_before_parsing() -> None:
    with pytest.raises(DocumentError) as err:
        extract_text("plan.txt", b"a" * (MAX_UPLOAD_BYTES + 1))
    assert err.value.code == "too_large"
    assert "5 MB" in err.value.message_zh


def test_corrupt_docx() -> None:
    with pytest.raises(DocumentError) as err:
        extract_text("plan.docx", b"PK\x03\x04 this is not really a zip")
    assert err.value.code == "corrupt"
    # A valid zip that is not a Word document.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(DocumentError) as err:
        extract_text("plan.docx", buf.getvalue())
    assert err.value.code == "corrupt"
    # Right parts, broken XML.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types")
        zf.writestr("word/document.xml", "<w:document")
    with pytest.raises(DocumentError) as err:
        extract_text("plan.docx", buf.getvalue())
    assert err.value.code == "corrupt"


def test_decompression_bomb_docx_is_refused_without_inflating() -> None:
    original = make_docx()
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as src,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        # 60 MB of zeros compresses to ~60 KB: small upload, huge payload.
        dst.writestr("word/media/bomb.bin", b"\0" * (MAX_UNCOMPRESSED_BYTES + 10 * 1024 * 1024))
    data = buf.getvalue()
    assert len(data) < MAX_UPLOAD_BYTES
    with pytest.raises(DocumentError) as err:
        extract_text("plan.docx", data)
    assert err.value.code == "bomb"
    assert "50 MB" in err.value.message_zh


def test_document_error_is_a_value_error_with_message() -> None:
    err = DocumentError("文件是空的", "empty")
    assert isinstance(err, ValueError)
    assert str(err) == "文件是空的"
