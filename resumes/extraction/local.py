"""Local extraction: the PDF text layer, DOCX, and Tesseract OCR where there is no text."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageSequence, UnidentifiedImageError

from resumes.extraction.base import ExtractedText, ExtractionError
from resumes.extraction.ocr import OcrResult, ocr_image
from resumes.extraction.pdf_layout import page_text

# A page whose text layer has fewer characters than this is treated as a scan.
MIN_PAGE_CHARS = 40
# Never rasterize a page into more pixels than this (huge page sizes stay bounded).
MAX_RENDER_PIXELS = 40_000_000


class LocalTextExtractor:
    engine = "local"

    def __init__(self, *, ocr_dpi: int = 200, orient: bool = True, deskew: bool = True) -> None:
        self.ocr_dpi = ocr_dpi
        self.orient = orient
        self.deskew = deskew

    def extract(self, *, data: bytes, kind: str) -> ExtractedText:
        if kind == "pdf":
            return self._pdf(data)
        if kind == "docx":
            return self._docx(data)
        if kind in ("png", "jpeg", "tiff", "heic"):
            return self._image(data, kind)
        raise ExtractionError(f"No text extractor for {kind!r} files.", code="unsupported_kind")

    # --- PDF ------------------------------------------------------------------------------
    def _pdf(self, data: bytes) -> ExtractedText:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise ExtractionError(
                "The PDF is damaged and cannot be read.", code="damaged_file"
            ) from exc
        texts: list[str] = []
        ocr_results: list[OcrResult] = []
        try:
            pages = len(pdf)
            for index in range(pages):
                page = pdf[index]
                text = page_text(page)
                dpi = scan_dpi(page) if len(text.strip()) < MIN_PAGE_CHARS else None
                if dpi is not None:
                    result = self._ocr_page(page, dpi=dpi)
                    if len(result.text.strip()) > len(text.strip()):
                        ocr_results.append(result)
                        text = result.text
                texts.append(text)
                page.close()
        except pdfium.PdfiumError as exc:
            raise ExtractionError(
                "The PDF is damaged and cannot be read.", code="damaged_file"
            ) from exc
        finally:
            pdf.close()
        return ExtractedText(
            text=_clean("\n\n".join(texts)),
            engine=self._engine(ocr_results),
            pages=pages,
            ocr_used=bool(ocr_results),
            ocr_confidence=_mean_confidence(ocr_results),
        )

    def _ocr_page(self, page: pdfium.PdfPage, *, dpi: float) -> OcrResult:
        width, height = page.get_size()
        # Rendering a scan finer than it was scanned adds pixels (and OCR time), not detail.
        scale = min(self.ocr_dpi, max(dpi, 150)) / 72
        pixels = width * height * scale * scale
        if pixels > MAX_RENDER_PIXELS:
            scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
        image = page.render(scale=scale, grayscale=True).to_pil()
        return ocr_image(image, orient=self.orient, deskew=self.deskew)

    # --- DOCX -----------------------------------------------------------------------------
    def _docx(self, data: bytes) -> ExtractedText:
        return ExtractedText(text=docx_text(data), engine="docx", pages=1)

    # --- Images ---------------------------------------------------------------------------
    def _image(self, data: bytes, kind: str) -> ExtractedText:
        if kind == "heic":
            from pillow_heif import register_heif_opener

            register_heif_opener()
        try:
            image = Image.open(io.BytesIO(data))
            frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise ExtractionError(
                "The image is damaged and cannot be read.", code="damaged_file"
            ) from exc
        results = [ocr_image(frame, orient=self.orient, deskew=self.deskew) for frame in frames]
        return ExtractedText(
            text=_clean("\n\n".join(r.text for r in results)),
            engine=self._engine(results),
            pages=len(frames),
            ocr_used=True,
            ocr_confidence=_mean_confidence(results),
        )

    @staticmethod
    def _engine(ocr_results: list[OcrResult]) -> str:
        return "pdfium+tesseract" if ocr_results else "pdfium"


def scan_dpi(page: pdfium.PdfPage) -> float | None:
    """The resolution of the picture covering a scanned page, or None for a text page.

    A short text page (a last line, a blank page) is not a scan; a page mostly covered by
    one image is.
    """
    width, height = page.get_size()
    area = width * height
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) >= 0.2 * area:
            pixels_wide, _ = obj.get_px_size()
            return pixels_wide / max((right - left) / 72, 0.01)
    return None


def has_large_image(page: pdfium.PdfPage) -> bool:
    return scan_dpi(page) is not None


def docx_text(data: bytes) -> str:
    """Headers, body (paragraphs and tables in order) and footers of a DOCX."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise ExtractionError(
            "The Word document is damaged and cannot be read.", code="damaged_file"
        ) from exc
    except Exception as exc:  # lxml errors from malformed parts
        raise ExtractionError(
            f"The Word document cannot be read ({exc}).", code="damaged_file"
        ) from exc
    parts: list[str] = []
    for attribute in (("header", "first_page_header"), None, ("footer", "first_page_footer")):
        if attribute is None:
            parts.append(_join(_block_lines(document)))
            continue
        seen: set[str] = set()
        for section in document.sections:
            for name in attribute:
                part = getattr(section, name)
                text = "" if part.is_linked_to_previous else _join(_block_lines(part))
                if text.strip() and text not in seen:
                    seen.add(text)
                    parts.append(text)
    return _clean("\n".join(p for p in parts if p))


def _block_lines(container) -> Iterator[str]:
    """Paragraphs and table rows of `container` in document order (tables cell by cell)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    # Merged cells repeat the same object: read each once.
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    text = _join(_block_lines(cell)).strip()
                    if text:
                        cells.append(text)
                if cells:
                    yield (
                        " | ".join(cells) if all("\n" not in c for c in cells) else "\n".join(cells)
                    )


def _join(lines: Iterator[str]) -> str:
    return "\n".join(lines)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\r", "")
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue  # collapse runs of blank lines
        out.append(line)
    return "\n".join(out).strip()


def _mean_confidence(results: list[OcrResult]) -> float | None:
    weighted = [(r.confidence, r.words) for r in results if r.confidence is not None]
    total = sum(words for _, words in weighted)
    if not total:
        return None
    return round(sum(conf * words for conf, words in weighted) / total, 1)
