"""Text extraction backends on real generated files (local) and against moto (Textract)."""

from __future__ import annotations

import pytest

from resumes.extraction import get_text_extractor
from resumes.extraction.base import ExtractionError, TransientExtractionError
from resumes.extraction.local import LocalTextExtractor
from resumes.tests import documents

OCR_LINES = [
    "Carol Candidate",
    "Senior Engineer at Acme Robotics",
    "Python Django PostgreSQL Kubernetes",
    "January 2020 to Present",
]


@pytest.fixture(scope="module")
def local() -> LocalTextExtractor:
    return LocalTextExtractor()


def test_it_reads_a_two_column_pdf_column_by_column(local):
    result = local.extract(data=documents.two_column_pdf(), kind="pdf")
    lines = result.text.splitlines()
    assert lines[0] == "Zoë Müller-Ångström - Data Engineer"
    # The whole left column, then the whole right column: never "CONTACT EXPERIENCE".
    assert lines[1:9] == documents.LEFT_COLUMN
    assert lines[9:17] == documents.RIGHT_COLUMN
    assert lines[-1].startswith("References available")
    assert (result.engine, result.pages, result.ocr_used) == ("pdfium", 1, False)


def test_it_keeps_label_and_date_rows_of_a_one_column_pdf_together(local):
    result = local.extract(data=documents.sample_pdf(), kind="pdf")
    assert "Senior Engineer, Acme Robotics Jan 2020 - Present" in result.text.splitlines()
    assert "carol@example.test | +1 415 555 0100 | San Francisco, USA" in result.text


def test_it_reads_every_page(local):
    line = "Hello there, a line long enough to count as a text layer"
    result = local.extract(data=documents.one_column_pdf([line], pages=3), kind="pdf")
    assert (result.pages, result.ocr_used) == (3, False)
    assert result.text.count(line) == 3
    assert "Page 3" not in result.text  # page numbers are layout


def test_it_reads_docx_paragraphs_tables_header_and_footer(local):
    result = local.extract(data=documents.make_docx(), kind="docx")
    lines = result.text.splitlines()
    assert lines[0] == "Curriculum Vitae - Zoë"  # the header comes first
    assert "Zoë Müller" in lines
    assert "Acme Robotics | Jan 2020 - Present" in lines  # a table row stays on one line
    assert "Globex | 2016-03 - 12/2019" in lines
    assert lines[-1] == "zoe@example.test · +351 912 345 678"  # the footer last
    assert result.engine == "docx"


def _assert_ocr(result, *, min_confidence: float = 70) -> None:
    assert result.ocr_used
    assert result.ocr_confidence is not None and result.ocr_confidence >= min_confidence
    for line in ("Carol Candidate", "Senior Engineer at Acme Robotics", "January 2020 to Present"):
        assert line in result.text


def test_it_ocrs_an_upright_png(local):
    _assert_ocr(local.extract(data=documents.text_image(OCR_LINES), kind="png"))


def test_it_turns_a_photo_taken_sideways(local):
    data = documents.text_image(OCR_LINES, rotate=90, fmt="JPEG")
    _assert_ocr(local.extract(data=data, kind="jpeg"))


def test_it_turns_an_upside_down_scan(local):
    data = documents.text_image(OCR_LINES, rotate=180, fmt="TIFF")
    _assert_ocr(local.extract(data=data, kind="tiff"))


def test_it_deskews_a_slightly_rotated_noisy_scan(local):
    data = documents.text_image(OCR_LINES, rotate=4, noise=True)
    _assert_ocr(local.extract(data=data, kind="png"))


def test_it_evens_out_the_lighting_of_a_photo(local):
    data = documents.text_image(OCR_LINES, shadow=True, noise=True, rotate=-2, fmt="JPEG")
    _assert_ocr(local.extract(data=data, kind="jpeg"))


def test_ocr_keeps_right_aligned_dates_on_their_entry_line(local):
    lines = local.extract(data=documents.sidebar_resume_image(), kind="png").text.splitlines()
    assert "Acme Robotics 05/2019 - 08/2021" in lines
    assert "Globex Corporation 03/2016 - 04/2019" in lines
    assert "Initech 01/2014 - 02/2016" in lines
    assert "Python" in lines and "Kubernetes" in lines  # the sidebar is left alone


def test_it_ocrs_pdf_pages_without_a_text_layer(local):
    result = local.extract(data=documents.scanned_pdf(OCR_LINES, rotate=-2), kind="pdf")
    _assert_ocr(result)
    assert result.engine == "pdfium+tesseract"
    assert result.pages == 1


def test_it_reads_heic(local):
    import io

    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    image = Image.open(io.BytesIO(documents.text_image(OCR_LINES))).convert("RGB")
    image.save(out, format="HEIF", quality=90)
    _assert_ocr(local.extract(data=out.getvalue(), kind="heic"))


def test_it_fails_permanently_on_a_corrupt_pdf(local):
    with pytest.raises(ExtractionError):
        local.extract(data=b"%PDF-1.4\n garbage", kind="pdf")


def test_it_fails_permanently_on_a_corrupt_docx(local):
    with pytest.raises(ExtractionError):
        local.extract(data=b"PK\x03\x04 not really", kind="docx")


def test_the_backend_follows_the_setting(settings):
    settings.RESUME_TEXT_EXTRACTOR = {
        "BACKEND": "resumes.extraction.local.LocalTextExtractor",
        "OPTIONS": {"ocr_dpi": 150},
    }
    assert get_text_extractor().ocr_dpi == 150


# --- Textract against moto's server ------------------------------------------------------
CANNED = [
    {"BlockType": "PAGE", "Id": "p1", "Page": 1},
    {"BlockType": "LINE", "Id": "l1", "Text": "Carol Candidate", "Confidence": 99.1, "Page": 1},
    {"BlockType": "WORD", "Id": "w1", "Text": "Carol", "Confidence": 99.1, "Page": 1},
    {"BlockType": "LINE", "Id": "l2", "Text": "Senior Engineer", "Confidence": 95.3, "Page": 1},
    {"BlockType": "LINE", "Id": "l3", "Text": "Acme Robotics", "Confidence": 97.0, "Page": 2},
]


@pytest.fixture
def textract(moto_reset, settings):
    import boto3
    from moto.textract.models import TextractBackend

    boto3.client("s3", region_name="us-east-1", endpoint_url=moto_reset).create_bucket(
        Bucket="textract-in"
    )
    saved = TextractBackend.BLOCKS
    TextractBackend.BLOCKS = CANNED
    settings.RESUME_TEXT_EXTRACTOR = {
        "BACKEND": "resumes.extraction.textract.TextractExtractor",
        "OPTIONS": {"bucket": "textract-in", "endpoint_url": moto_reset, "poll_interval": 0.05},
    }
    yield get_text_extractor()
    TextractBackend.BLOCKS = saved


def test_textract_reads_an_image_synchronously(textract):
    result = textract.extract(data=documents.text_image(OCR_LINES), kind="png")
    assert result.text == "Carol Candidate\nSenior Engineer\n\nAcme Robotics"
    assert (result.engine, result.ocr_used, result.pages) == ("textract", True, 2)
    assert result.ocr_confidence == pytest.approx((99.1 + 95.3 + 97.0) / 3, abs=0.1)


def test_textract_reads_a_multipage_scan_through_s3_and_cleans_up(textract, moto_reset):
    import boto3

    scan = documents.scanned_pdf(OCR_LINES)
    result = textract.extract(data=documents.concatenate_pdfs(scan, scan), kind="pdf")
    assert "Acme Robotics" in result.text
    assert result.pages == 2
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=moto_reset)
    assert s3.list_objects_v2(Bucket="textract-in").get("KeyCount") == 0


def test_textract_reads_a_text_pdf_locally(textract):
    result = textract.extract(data=documents.two_column_pdf(), kind="pdf")
    assert result.engine == "pdfium"
    assert not result.ocr_used
    assert "Senior Engineer, Acme Robotics" in result.text


def test_textract_reads_docx_locally(textract):
    assert (
        "Acme Robotics | Jan 2020 - Present"
        in textract.extract(data=documents.make_docx(), kind="docx").text
    )


def test_textract_missing_bucket_is_a_permanent_failure(textract, settings, moto_reset):
    settings.RESUME_TEXT_EXTRACTOR = {
        "BACKEND": "resumes.extraction.textract.TextractExtractor",
        "OPTIONS": {"bucket": "no-such-bucket", "endpoint_url": moto_reset},
    }
    scan = documents.scanned_pdf(OCR_LINES)
    with pytest.raises(ExtractionError, match="NoSuchBucket"):
        get_text_extractor().extract(data=documents.concatenate_pdfs(scan, scan), kind="pdf")


def test_textract_unreachable_is_transient(settings, monkeypatch):
    from config.testing import AWS_TEST_ENV, free_port

    for key, value in AWS_TEST_ENV.items():
        monkeypatch.setenv(key, value)
    settings.RESUME_TEXT_EXTRACTOR = {
        "BACKEND": "resumes.extraction.textract.TextractExtractor",
        "OPTIONS": {"bucket": "b", "endpoint_url": f"http://127.0.0.1:{free_port()}"},
    }
    with pytest.raises(TransientExtractionError):
        get_text_extractor().extract(data=documents.text_image(["Hi"]), kind="png")
