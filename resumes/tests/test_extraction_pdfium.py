"""pdfium's characters read in bulk give the same words as reading every character's box.

`page_words` reads a page's text in one call and only the first and last character boxes of
each word; these tests compare it with a plain reference reader (one ctypes call per
character for its code and another for its box) on real PDFs written at test time,
including icon glyphs without a Unicode value, which pdfium's text buffer leaves out.
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from resumes.extraction.pdf_layout import page_text
from resumes.extraction.pdf_words import page_chars, page_words
from resumes.tests import documents


def icon_pdf(lines: list[str], *, icon: bytes = b"0000") -> bytes:
    """A page of Helvetica lines whose "~" characters are icons: by default without a
    Unicode value (a ToUnicode map to 0, like an icon font's glyphs), or `icon` (UTF-16BE
    hex)."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Icons def "
        b"1 begincodespacerange <00> <FF> endcodespacerange "
        b"1 beginbfchar <7E> <%s> endbfchar endcmap "
        b"CMapName currentdict /CMap defineresource pop end end" % icon
    )
    content = b"".join(
        b"BT /F1 11 Tf 72 %d Td (%s) Tj ET\n" % (740 - 16 * i, line.encode("cp1252"))
        for i, line in enumerate(lines)
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding "
        b"/ToUnicode 6 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


ICON_LINES = [
    "~ Zoe Example",
    "~zoe@example.test ~ +351 912 345 678",
    "~~ Lisbon, Portugal ~",
    "Skills ~ Python ~ Django",
]

BREAKS = {0x00, 0x02, 0xA0, 0xFFFE, 0xFFFF}


def reference_words(textpage: pdfium.PdfTextPage) -> list[tuple[str, float, float, float]]:
    """Every character's code and box, one call each: (text, x0, x1, bottom) per word."""
    raw = textpage.raw
    rect = pdfium_c.FS_RECTF()
    words: list[tuple[str, float, float, float]] = []
    chars: list[str] = []
    x0 = x1 = bottom = 0.0
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if code < 33 or code in BREAKS or chr(code).isspace():
            if chars:
                words.append(("".join(chars), x0, x1, bottom))
                chars = []
            continue
        assert pdfium_c.FPDFText_GetLooseCharBox(raw, index, ctypes.byref(rect))
        size = max(rect.top - rect.bottom, 1.0)
        if chars and not (
            abs(rect.bottom - bottom) < 0.4 * size and -0.5 * size < rect.left - x1 < 0.3 * size
        ):
            words.append(("".join(chars), x0, x1, bottom))
            chars = []
        if not chars:
            x0, bottom = rect.left, rect.bottom
        chars.append(chr(code))
        x1 = rect.right
    if chars:
        words.append(("".join(chars), x0, x1, bottom))
    return words


@contextlib.contextmanager
def pages_of(data: bytes) -> Iterator[list[pdfium.PdfPage]]:
    pdf = pdfium.PdfDocument(data)
    try:
        yield [pdf[index] for index in range(len(pdf))]
    finally:
        pdf.close()  # closes its pages and their text pages too


@pytest.mark.parametrize(
    "data",
    [
        icon_pdf(ICON_LINES),
        documents.two_column_pdf(),
        documents.one_column_pdf(documents.SAMPLE_LINES, pages=2),
    ],
    ids=["icons", "two-columns", "two-pages"],
)
def test_words_read_in_bulk_match_words_read_character_by_character(data):
    with pages_of(data) as pages:
        for page in pages:
            textpage = page.get_textpage()
            expected = reference_words(textpage)
            words = [(w.text, w.x0, w.x1, w.bottom) for w in page_words(textpage)]
            assert [w[0] for w in words] == [w[0] for w in expected]
            assert [w[1:] for w in words] == [pytest.approx(w[1:]) for w in expected]


def test_icon_glyphs_without_unicode_do_not_shift_the_characters_after_them():
    with pages_of(icon_pdf(ICON_LINES)) as pages:
        textpage = pages[0].get_textpage()
        raw = textpage.raw
        count = pdfium_c.FPDFText_CountChars(raw)
        chars = page_chars(raw, count)
        codes = [pdfium_c.FPDFText_GetUnicode(raw, index) for index in range(count)]
    assert codes.count(0) == sum(line.count("~") for line in ICON_LINES)
    assert len(chars) == count
    for char, code in zip(chars, codes, strict=True):
        assert ord(char) == code or (ord(char) in BREAKS and code in BREAKS)


def test_icons_glued_to_words_are_dropped_from_the_page_text():
    with pages_of(icon_pdf(ICON_LINES)) as pages:
        text = page_text(pages[0])
    assert text.splitlines() == [
        "Zoe Example",
        "zoe@example.test +351 912 345 678",
        "Lisbon, Portugal",
        "Skills Python Django",
    ]


def test_characters_beyond_utf16s_first_plane_are_read_whole():
    with pages_of(icon_pdf(ICON_LINES, icon=b"D83DDE80")) as pages:  # U+1F680, a rocket
        textpage = pages[0].get_textpage()
        raw = textpage.raw
        count = pdfium_c.FPDFText_CountChars(raw)
        codes = [pdfium_c.FPDFText_GetUnicode(raw, index) for index in range(count)]
        chars = page_chars(raw, count)
        words = [word.text for word in page_words(textpage)]
    # pdfium gives each as two characters (a surrogate pair); the word joins them.
    assert [ord(char) for char in chars] == codes
    assert words[:4] == ["\U0001f680", "Zoe", "Example", "\U0001f680zoe@example.test"]
