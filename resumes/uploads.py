"""Checks an uploaded file before anything stores or unpacks it.

The type is decided from the bytes, never from the name or the client's content type. Each
refusal is an `UploadRejected` whose message is shown to the person who uploaded the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, UnidentifiedImageError

ACCEPTED = "PDF, Word (DOCX), PNG, JPEG, TIFF or HEIC"
# How many first PDF pages are looked at to decide whether the file needs OCR.
TEXT_LAYER_PROBE_PAGES = 2
TEXT_LAYER_MIN_CHARS = 40
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BZh")
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
MACRO_CONTENT_TYPE = b"macroEnabled"


class UploadRejected(Exception):
    """The file is refused; `message` says why in words the uploader understands."""

    def __init__(self, message: str, *, code: str = "invalid_file") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class UploadInfo:
    kind: str  # a Resume.Kind value
    pages: int | None
    needs_ocr: bool


def sniff_kind(data: bytes) -> str | None:
    head = data[:16]
    if data[:1024].lstrip(b"\x00\t\r\n ").startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"  # confirmed (or refused) by inspect_docx
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS:
        return "heic"
    return None


def check_size(size: int) -> None:
    limit = settings.RESUME_MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadRejected(
            f"The file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB.",
            code="file_too_large",
        )


def inspect_upload(data: bytes) -> UploadInfo:
    """Decide what `data` is and whether it is safe and reasonable to process."""
    if not data:
        raise UploadRejected("The file is empty.", code="empty_file")
    check_size(len(data))
    kind = sniff_kind(data)
    if kind is None:
        raise UploadRejected(
            f"This file type is not supported. Upload a {ACCEPTED} file.",
            code="unsupported_type",
        )
    if kind != "docx" and _is_zip(data):
        # A file that is both (say) a PDF and a ZIP archive is a polyglot: refused.
        raise UploadRejected(
            f"The file is both a {kind.upper()} and a ZIP archive; upload a plain document.",
            code="polyglot",
        )
    if kind == "pdf":
        return inspect_pdf(data)
    if kind == "docx":
        inspect_docx(data)
        return UploadInfo(kind="docx", pages=None, needs_ocr=False)
    return inspect_image(data, kind)


def _is_zip(data: bytes) -> bool:
    try:
        return zipfile.is_zipfile(io.BytesIO(data))
    except Exception:
        return False


_DECLARED_COUNT = re.compile(rb"/Count\s+(\d{1,12})")


def inspect_pdf(data: bytes) -> UploadInfo:
    import pypdfium2 as pdfium

    max_pages = settings.RESUME_MAX_PDF_PAGES
    # The page tree's declared counts, read before pdfium walks a possibly huge tree.
    declared = [int(m) for m in _DECLARED_COUNT.findall(data)]
    if declared and max(declared) > max_pages:
        raise UploadRejected(
            f"The PDF declares {max(declared)} pages; resumes may have at most {max_pages}.",
            code="too_many_pages",
        )
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UploadRejected(
                "The PDF is password-protected. Upload a copy without a password.",
                code="encrypted_pdf",
            ) from exc
        raise UploadRejected(
            "The PDF is damaged or incomplete and cannot be read.", code="corrupt_pdf"
        ) from exc
    try:
        pages = len(pdf)
        if pages == 0:
            raise UploadRejected("The PDF has no pages.", code="corrupt_pdf")
        if pages > max_pages:
            raise UploadRejected(
                f"The PDF has {pages} pages; resumes may have at most {max_pages}.",
                code="too_many_pages",
            )
        chars = 0
        for index in range(min(pages, TEXT_LAYER_PROBE_PAGES)):
            page = pdf[index]
            width, height = page.get_size()
            # 200 inches is the PDF format's own limit; beyond A0 is not a resume.
            if width > 3500 or height > 3500 or width <= 0 or height <= 0:
                raise UploadRejected(
                    "The PDF's pages are far larger than any paper size.", code="page_too_large"
                )
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range().strip())
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise UploadRejected(
            "The PDF is damaged or incomplete and cannot be read.", code="corrupt_pdf"
        ) from exc
    finally:
        pdf.close()
    return UploadInfo(kind="pdf", pages=pages, needs_ocr=chars < TEXT_LAYER_MIN_CHARS)


def inspect_docx(data: bytes) -> None:
    """Refuse zip bombs, nested archives, macros and DTDs before python-docx sees the file."""
    not_word = UploadRejected(
        f"The file is a ZIP archive but not a Word document. Upload a {ACCEPTED} file.",
        code="unsupported_type",
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UploadRejected(
            "The Word document is damaged and cannot be read.", code="corrupt_docx"
        ) from exc
    with archive:
        if len(entries) > settings.RESUME_DOCX_MAX_ENTRIES:
            raise UploadRejected(
                f"The Word document holds {len(entries)} files; at most "
                f"{settings.RESUME_DOCX_MAX_ENTRIES} are accepted.",
                code="docx_too_complex",
            )
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise not_word
        total = sum(entry.file_size for entry in entries)
        compressed = sum(entry.compress_size for entry in entries) or 1
        ratio_limit = settings.RESUME_DOCX_MAX_RATIO
        if total > settings.RESUME_DOCX_MAX_UNCOMPRESSED_BYTES or total / compressed > ratio_limit:
            raise UploadRejected(
                "The Word document unpacks to far more data than it holds (a zip bomb); "
                "it is refused.",
                code="zip_bomb",
            )
        for entry in entries:
            if entry.file_size > 1024 and entry.file_size / max(entry.compress_size, 1) > (
                ratio_limit
            ):
                raise UploadRejected(
                    "The Word document unpacks to far more data than it holds (a zip bomb); "
                    "it is refused.",
                    code="zip_bomb",
                )
            lower = entry.filename.lower()
            if "vbaproject" in lower or lower.endswith("vbadata.xml"):
                raise _macros()
            if entry.flag_bits & 0x1:
                raise UploadRejected(
                    "The Word document is encrypted. Upload a copy without a password.",
                    code="encrypted_docx",
                )
            with archive.open(entry) as member:
                head = member.read(1024)
            if head.startswith(ARCHIVE_MAGIC) or lower.endswith((".zip", ".docx", ".docm")):
                raise UploadRejected(
                    "The Word document contains another archive; it is refused.",
                    code="nested_archive",
                )
            if lower.endswith((".xml", ".rels")) and b"<!doctype" in head.lower():
                raise UploadRejected(
                    "The Word document contains a document type declaration, which Word "
                    "never writes; it is refused.",
                    code="xml_dtd",
                )
        content_types = archive.read("[Content_Types].xml")
        if MACRO_CONTENT_TYPE in content_types:
            raise _macros()


def _macros() -> UploadRejected:
    return UploadRejected(
        "The document contains macros. Save it as a plain .docx without macros and upload again.",
        code="macros",
    )


def inspect_image(data: bytes, kind: str) -> UploadInfo:
    if kind == "heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    limit = settings.RESUME_MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
    except Image.DecompressionBombError as exc:
        raise UploadRejected(
            "The image is far too large (in pixels) to be a resume.", code="image_too_large"
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRejected(
            "The image is damaged and cannot be read.", code="corrupt_image"
        ) from exc
    if width * height > limit:
        raise UploadRejected(
            f"The image is {width} x {height} pixels; at most {limit // 1_000_000} megapixels "
            "are accepted.",
            code="image_too_large",
        )
    if frames > settings.RESUME_MAX_PDF_PAGES:
        raise UploadRejected(
            f"The image has {frames} pages; at most {settings.RESUME_MAX_PDF_PAGES}.",
            code="too_many_pages",
        )
    return UploadInfo(kind=kind, pages=frames, needs_ocr=True)
