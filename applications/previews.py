"""A resume's first pages as images (PNG; JPEG for photos) for the portal's application page.

Our CSP forbids framing (`frame-ancestors 'none'`, no `frame-src`), so a PDF cannot be embedded;
pages rendered on the server and shown as `<img>` from our own origin (`img-src 'self'`) can.
PDF pages are rasterised with pdfium, images (PNG, JPEG, TIFF frames, HEIC) downscaled; a DOCX
keeps the extracted text view. Nothing is stored: pages are rendered on request and cached only
by the recruiter's browser (private, revalidated by an ETag derived from the file's hash), so
deleting a resume leaves no rendered copy behind.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from resumes.models import Resume

MAX_PAGES = 5  # a recruiter reads the first pages; the download has the rest
DPI = 110  # readable on screen without zooming; a page is ~940 x 1210 px
MAX_WIDTH, MAX_HEIGHT = 1100, 1600  # odd page sizes (posters, slides) are fitted into this
RASTER_KINDS = {Resume.Kind.PDF, Resume.Kind.PNG, Resume.Kind.JPEG, Resume.Kind.TIFF,
                Resume.Kind.HEIC}  # fmt: skip

ORIENTATION = 0x0112  # the EXIF tag, and how to turn each of its values upright
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# pdfium is not thread-safe; a threaded web server may render two pages at once.
_PDFIUM = threading.Lock()


class PreviewUnavailable(Exception):
    """This page cannot be shown (no such page, or the file cannot be read)."""


def page_count(resume: Resume) -> int:
    """How many pages the application page shows as images (0: use the text view)."""
    if resume.kind not in RASTER_KINDS:
        return 0
    return max(1, min(resume.page_count or 1, MAX_PAGES))


def etag(resume: Resume, page: int) -> str:
    """Changes whenever the file or the rendering does."""
    return f'"{resume.sha256[:32]}-{page}-{DPI}-{MAX_WIDTH}x{MAX_HEIGHT}"'


@dataclass(frozen=True)
class RenderedPage:
    data: bytes
    content_type: str


def render_page(resume: Resume, page: int) -> RenderedPage:
    """Page `page` (1-based) of the resume: PNG, or JPEG for photos (JPEG and HEIC files)."""
    if not 1 <= page <= page_count(resume):
        raise PreviewUnavailable(f"No page {page} to preview.")
    with resume.file.open("rb") as handle:
        data = handle.read()
    out = io.BytesIO()
    if resume.kind == Resume.Kind.PDF:
        _pdf_page(data, page - 1).save(out, format="PNG")
        return RenderedPage(out.getvalue(), "image/png")
    image = _image_frame(data, page - 1, heic=resume.kind == Resume.Kind.HEIC)
    if resume.kind in (Resume.Kind.JPEG, Resume.Kind.HEIC):
        image.save(out, format="JPEG", quality=85)
        return RenderedPage(out.getvalue(), "image/jpeg")
    image.save(out, format="PNG")
    return RenderedPage(out.getvalue(), "image/png")


def _pdf_page(data: bytes, index: int) -> Image.Image:
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PreviewUnavailable(f"The PDF cannot be read: {exc}") from exc
        try:
            if index >= len(pdf):
                raise PreviewUnavailable(f"The PDF has {len(pdf)} page(s).")
            page = pdf[index]
            width, height = page.get_size()  # points (1/72 inch)
            scale = min(DPI / 72, MAX_WIDTH / max(width, 1), MAX_HEIGHT / max(height, 1))
            bitmap = page.render(scale=scale, draw_annots=True)
            image = bitmap.to_pil().convert("RGB")
            page.close()
        finally:
            pdf.close()
    # A page of text on white has few colours: a 256-colour palette keeps it sharp at a
    # twentieth of the bytes (~20 kB instead of ~470 kB for an RGB PNG of an A4 page).
    return image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def _image_frame(data: bytes, index: int, *, heic: bool) -> Image.Image:
    if heic:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    try:
        with Image.open(io.BytesIO(data)) as image:
            if index >= getattr(image, "n_frames", 1):
                raise PreviewUnavailable("The image has fewer pages.")
            image.seek(index)
            # Fitted before decoding in full (a JPEG decodes at 1/2, 1/4 or 1/8 scale when that
            # still covers the final size), in the box as stored: the EXIF rotation that makes
            # phone photos stand upright comes after, and swaps a sideways photo's sides.
            orientation = image.getexif().get(ORIENTATION, 1)
            box = (
                (MAX_HEIGHT, MAX_WIDTH) if orientation in (5, 6, 7, 8) else (MAX_WIDTH, MAX_HEIGHT)
            )
            scale = min(1.0, box[0] / image.width, box[1] / image.height)
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            image.draft(None, size)
            frame = image.convert("L" if image.mode in ("1", "L", "I;16", "I") else "RGB")
            if frame.size != size:
                frame = frame.resize(size, Image.Resampling.LANCZOS)
            if orientation in UPRIGHT:
                frame = frame.transpose(UPRIGHT[orientation])
            return frame
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PreviewUnavailable(f"The image cannot be read: {exc}") from exc
