"""Tesseract OCR with orientation and skew correction and a light clean-up for photos."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass

import numpy as np
import pytesseract
from PIL import Image, ImageFilter, ImageOps

from resumes.extraction.base import ExtractionError, TransientExtractionError
from resumes.extraction.pdf_layout import Word, words_text
from resumes.extraction.photo import straighten

# Tesseract's OpenMP threads fight with Celery's processes on small machines.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

OSD_MAX_SIDE = 2000
DESKEW_MAX_SIDE = 900
DESKEW_RANGE = 6.0  # degrees either way
OCR_TIMEOUT = 60  # seconds per page
# Tesseract's full page analysis; `pdf_layout` then orders its words by their geometry.
# (Sparse text, --psm 11, finds a kendall sidebar that --psm 3 sometimes drops, but loses the
# dashes of "05/2019 - 08/2019": dev photos micro-F1 0.64 against 0.74.)
PAGE_SEGMENTATION = 3
# Below this mean word confidence a page is checked for a quarter-turn rotation.
GOOD_CONFIDENCE = 75.0
# OCR word boxes are scaled so the page is this many units wide, like a PDF page in points.
LAYOUT_WIDTH = 612.0
# Grey at this fraction of the paper's brightness or lighter is paper. A photo keeps some
# uneven light and blur after the lighting is divided out and needs the lower cut; a flat
# scan's faint strokes (middle dots, thin URLs) need the higher one. Dev micro-F1 at 0.85 /
# 0.95: photos 0.756 / 0.708, scans 0.813 / 0.852.
PHOTO_PAPER_LEVEL = 0.85
SCAN_PAPER_LEVEL = 0.95


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float | None  # mean word confidence, 0-100
    words: int


def prepare(image: Image.Image) -> Image.Image:
    """Upright, grey, contrast-stretched, and large enough for Tesseract's models."""
    image = ImageOps.exif_transpose(image) or image
    grey = image.convert("L")
    image = straighten(grey)  # a photo's page cut out of its background
    photo = image is not grey
    longest = max(image.size)
    if longest < 1600:  # a small photo: scale so letters are ~20-30 px tall
        factor = 1600 / longest
        image = image.resize((round(image.width * factor), round(image.height * factor)))
    image = image.filter(ImageFilter.MedianFilter(3))  # sensor noise and specks
    if photo:  # a hand-held camera's blur: sharpen the strokes back
        image = image.filter(ImageFilter.UnsharpMask(radius=2, percent=150, threshold=2))
    return flatten_lighting(image, paper_level=PHOTO_PAPER_LEVEL if photo else SCAN_PAPER_LEVEL)


def flatten_lighting(image: Image.Image, *, paper_level: float = SCAN_PAPER_LEVEL) -> Image.Image:
    """Divide out the page's lighting (gradients, vignette, shadows of a phone photo), then
    set the paper to white and stretch the ink to black.

    The background is estimated by a heavy blur of a small copy; text strokes are too thin to
    survive it. Grey levels near the paper's own become pure white: the sensor noise and
    JPEG ripples of an empty stretch of paper would otherwise be stretched into blotches
    that Tesseract tries to read (measured: 13 s instead of 2 s on a mostly blank page).
    Text keeps its grey edges, which Tesseract's recogniser reads better than hard black.
    """
    small = image.copy()
    small.thumbnail((160, 160))
    background = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(6))
    background = background.resize(image.size, Image.Resampling.BILINEAR)
    page = np.asarray(image, dtype=np.float32)
    light = np.maximum(np.asarray(background, dtype=np.float32), 1.0)
    flat = page / light
    sample = flat[::3, ::3]  # statistics of every ninth pixel are as good, and 10x faster
    paper = float(np.median(sample))  # most of a page is paper
    ink = min(float(np.percentile(sample, 0.5)), 0.5 * paper)
    white = paper_level * paper
    levels = (flat - ink) / max(white - ink, 1e-3) * 255.0
    return Image.fromarray(np.clip(levels, 0, 255).astype(np.uint8))


def detect_rotation(image: Image.Image) -> int:
    """Degrees (0, 90, 180, 270) to turn the page clockwise, from Tesseract's OSD."""
    probe = image
    if max(image.size) > OSD_MAX_SIDE:
        probe = image.copy()
        probe.thumbnail((OSD_MAX_SIDE, OSD_MAX_SIDE))
    try:
        osd = pytesseract.image_to_osd(probe, config="--psm 0", timeout=OCR_TIMEOUT)
    except pytesseract.TesseractError:
        return 0  # too little text to decide: leave it
    except RuntimeError as exc:  # pytesseract's timeout
        raise TransientExtractionError("OCR orientation detection timed out.") from exc
    match = re.search(r"Rotate:\s+(\d+)", osd)
    confidence = re.search(r"Orientation confidence:\s+([\d.]+)", osd)
    if not match or (confidence and float(confidence.group(1)) < 1.0):
        return 0
    return int(match.group(1)) % 360


def _projection_score(image: Image.Image, angle: float) -> float:
    rotated = image.rotate(angle, resample=Image.Resampling.NEAREST, expand=False, fillcolor=0)
    return float(np.asarray(rotated, dtype=np.float32).sum(axis=1).var())


def detect_skew(image: Image.Image) -> float:
    """The small angle (degrees) that makes text lines horizontal: projection profiles.

    Rows of a level page alternate between ink and paper, so the row sums vary most.
    """
    probe = image.copy()
    probe.thumbnail((DESKEW_MAX_SIDE, DESKEW_MAX_SIDE))
    # Ink white on black, so rotation fills with "no ink".
    probe = ImageOps.invert(probe).point(lambda v: 255 if v > 96 else 0)
    coarse = [a / 2 for a in range(int(-DESKEW_RANGE * 2), int(DESKEW_RANGE * 2) + 1)]
    best_angle = max(coarse, key=lambda a: _projection_score(probe, a))
    fine = [best_angle + i / 10 for i in range(-5, 6)]
    return round(max(fine, key=lambda a: _projection_score(probe, a)), 1)


def _tesseract(image: Image.Image) -> OcrResult:
    # An uncompressed PGM file: pytesseract would write (and Tesseract decode) a PNG, about a
    # tenth of a second of CPU per page for nothing.
    with tempfile.NamedTemporaryFile(suffix=".pgm") as file:
        image.convert("L").save(file, format="PPM")
        file.flush()
        return _tesseract_file(file.name)


def _tesseract_file(path: str) -> OcrResult:
    try:
        data = pytesseract.image_to_data(
            path,
            config=f"--psm {PAGE_SEGMENTATION} -c tessedit_do_invert=0",
            output_type=pytesseract.Output.DICT,
            timeout=OCR_TIMEOUT,
        )
    except RuntimeError as exc:
        raise TransientExtractionError("OCR timed out.") from exc
    except pytesseract.TesseractError as exc:
        raise ExtractionError(f"OCR could not read the image: {exc.message}") from exc
    return _assemble(data)


def ocr_image(image: Image.Image, *, orient: bool = True, deskew: bool = True) -> OcrResult:
    """OCR a page; a page that reads poorly is checked for a 90/180/270° rotation.

    Orientation detection costs as much as the OCR itself, so it runs only when the
    upright reading is poor (most scans are upright; photos often are not).
    """
    image = prepare(image)
    if deskew:
        angle = detect_skew(image)
        if abs(angle) >= 0.2:
            image = image.rotate(
                angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255
            )
    result = _tesseract(image)
    # Sideways text reads as no words or as gibberish; a blank page's OSD finds nothing to turn.
    if orient and (result.words < 3 or (result.confidence or 0) < GOOD_CONFIDENCE):
        rotation = detect_rotation(image)
        if rotation:
            # OSD's "Rotate" is clockwise; Pillow turns counter-clockwise.
            turned = image.rotate(-rotation, expand=True, fillcolor=255)
            if deskew:
                angle = detect_skew(turned)
                if abs(angle) >= 0.2:
                    turned = turned.rotate(
                        angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255
                    )
            second = _tesseract(turned)
            if (second.confidence or 0) * second.words > (result.confidence or 0) * result.words:
                result = second
    return result


def _assemble(data: dict[str, list]) -> OcrResult:
    """Tesseract's words laid out like a PDF's text layer (`pdf_layout`): lines by geometry,
    right-aligned dates kept on their entry's row, a sidebar read apart from the main column.

    Tesseract's own block order prints right-aligned dates after their whole column and can
    splice a sidebar's short lines onto the main column's rows.
    """
    boxes = [
        i
        for i, word in enumerate(data["text"])
        if word.strip() and data["width"][i] > 0 and data["height"][i] > 0
    ]
    if not boxes:
        return OcrResult(text="", confidence=None, words=0)
    # The page in PDF points (its first entry is the page's box), whatever the resolution.
    page_width = data["width"][0] or max(data["left"][i] + data["width"][i] for i in boxes)
    scale = LAYOUT_WIDTH / max(page_width, 1)
    words: list[Word] = []
    confidences: list[float] = []
    for i in boxes:
        left, top = data["left"][i] * scale, data["top"][i] * scale
        width, height = data["width"][i] * scale, data["height"][i] * scale
        words.append(Word(data["text"][i].strip(), left, left + width, -(top + height), -top))
        conf = float(data["conf"][i])
        if conf >= 0:
            confidences.append(conf)
    confidence = sum(confidences) / len(confidences) if confidences else None
    text = words_text(words, LAYOUT_WIDTH)
    return OcrResult(text=text, confidence=confidence, words=len(confidences))
