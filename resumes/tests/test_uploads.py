"""What the upload check accepts and refuses, on real (generated) files."""

from __future__ import annotations

import pytest

from resumes.tests import documents
from resumes.uploads import UploadRejected, inspect_upload


def rejection(data: bytes) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(data)
    return caught.value


def test_it_accepts_a_text_pdf_without_ocr():
    info = inspect_upload(documents.sample_pdf())
    assert (info.kind, info.pages, info.needs_ocr) == ("pdf", 1, False)


def test_it_routes_a_scanned_pdf_to_ocr():
    info = inspect_upload(documents.scanned_pdf(["Carol Candidate", "Engineer"]))
    assert (info.kind, info.needs_ocr) == ("pdf", True)


def test_it_accepts_docx_png_jpeg_tiff():
    assert inspect_upload(documents.make_docx()).kind == "docx"
    assert inspect_upload(documents.text_image(["Hi"], fmt="PNG")).kind == "png"
    assert inspect_upload(documents.text_image(["Hi"], fmt="JPEG")).kind == "jpeg"
    assert inspect_upload(documents.text_image(["Hi"], fmt="TIFF")).kind == "tiff"


def test_it_accepts_heic():
    import io

    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.open(io.BytesIO(documents.text_image(["Hi"]))).convert("RGB").save(out, format="HEIF")
    assert inspect_upload(out.getvalue()).kind == "heic"


def test_it_refuses_an_empty_file():
    assert rejection(b"").code == "empty_file"


def test_it_refuses_an_oversize_file(settings):
    settings.RESUME_MAX_UPLOAD_BYTES = 1000
    error = rejection(documents.sample_pdf() + b" " * 2000)
    assert error.code == "file_too_large"
    assert "limit" in error.message


def test_it_refuses_an_executable_named_like_a_pdf():
    error = rejection(b"MZ\x90\x00" + b"\x00" * 200)
    assert error.code == "unsupported_type"
    assert "PDF, Word (DOCX)" in error.message


def test_it_refuses_plain_text():
    assert rejection(b"Carol Candidate\nEngineer\n").code == "unsupported_type"


def test_it_refuses_a_truncated_pdf():
    data = documents.sample_pdf()
    assert rejection(data[: len(data) // 3]).code == "corrupt_pdf"


def test_it_refuses_a_password_protected_pdf():
    error = rejection(documents.encrypted_pdf())
    assert error.code == "encrypted_pdf"
    assert "password" in error.message


def test_it_refuses_a_pdf_declaring_100k_pages():
    error = rejection(documents.make_pdf([[(72, 700, "Hello", 12)]], declared_pages=100_000))
    assert error.code == "too_many_pages"
    assert "100000" in error.message


def test_it_refuses_a_pdf_with_too_many_real_pages(settings):
    settings.RESUME_MAX_PDF_PAGES = 3
    assert rejection(documents.one_column_pdf(["x"], pages=4)).code == "too_many_pages"


def test_it_refuses_a_pdf_zip_polyglot():
    error = rejection(documents.sample_pdf() + documents.make_docx())
    assert error.code == "polyglot"


def test_it_refuses_a_zip_bomb_docx():
    assert rejection(documents.zip_bomb_docx()).code == "zip_bomb"


def test_it_refuses_a_docx_with_too_many_entries(settings):
    settings.RESUME_DOCX_MAX_ENTRIES = 5
    assert rejection(documents.make_docx()).code == "docx_too_complex"


def test_it_refuses_a_macro_enabled_document_renamed_docx():
    error = rejection(documents.macro_docx())
    assert error.code == "macros"
    assert "macros" in error.message


def test_it_refuses_a_docx_with_a_dtd():
    assert rejection(documents.billion_laughs_docx()).code == "xml_dtd"


def test_it_refuses_a_docx_with_a_nested_archive():
    assert rejection(documents.nested_archive_docx()).code == "nested_archive"


def test_it_refuses_a_zip_that_is_not_a_word_document():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert rejection(out.getvalue()).code == "unsupported_type"


def test_it_refuses_a_50k_by_50k_png():
    assert rejection(documents.huge_png_header()).code == "image_too_large"


def test_it_refuses_a_corrupt_png():
    data = documents.text_image(["Hi"])
    assert rejection(data[:40]).code == "corrupt_image"
