"""Tesseract OCR with orientation and skew correction and a light clean-up for photos."""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from resumes.extraction.base import ExtractionError, TransientExtractionError
from resumes.extraction.pdf_layout import Word, words_text
from resumes.extraction.photo import straighten

# Tesseract's OpenMP threads fight with Celery's processes on small machines (set before
# the library loads).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
# Where Debian's tesseract-ocr-eng (and tesseract-ocr-osd) put their models; TESSDATA_PREFIX
# first, as Tesseract itself reads it.
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)

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
    image = median3(image)  # sensor noise and specks
    if photo:  # a hand-held camera's blur: sharpen the strokes back
        image = image.filter(ImageFilter.UnsharpMask(radius=2, percent=150, threshold=2))
    return flatten_lighting(image, paper_level=PHOTO_PAPER_LEVEL if photo else SCAN_PAPER_LEVEL)


def median3(image: Image.Image) -> Image.Image:
    """A 3x3 median filter of a grey image, edges repeated: Pillow's MedianFilter(3), pixel
    for pixel, in a fifth of its time (0.07 against 0.4 CPU-s on a 200 dpi page).

    Each column of three is sorted once (low, middle, high); the median of the nine is then
    the median of the largest low, the median middle and the smallest high of three
    neighbouring columns.
    """
    pixels = np.pad(np.asarray(image), 1, mode="edge")
    up, centre, down = pixels[:-2], pixels[1:-1], pixels[2:]
    low, high = np.minimum(up, centre), np.maximum(up, centre)
    middle, high = np.minimum(high, down), np.maximum(high, down)
    low, middle = np.minimum(low, middle), np.maximum(low, middle)
    left, here, right = slice(0, -2), slice(1, -1), slice(2, None)
    lows = np.maximum(np.maximum(low[:, left], low[:, here]), low[:, right])
    highs = np.minimum(np.minimum(high[:, left], high[:, here]), high[:, right])
    middles = _median_of_three(middle[:, left], middle[:, here], middle[:, right])
    return Image.fromarray(_median_of_three(lows, middles, highs))


def _median_of_three(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))


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
        api = _tesseract_api("osd")
    except RuntimeError:  # no OSD model (tesseract-ocr-osd): leave the page as it is
        return 0
    try:
        api.SetImage(probe)
        osd = api.DetectOrientationScript()
    finally:
        api.Clear()
    if not osd or osd["orient_conf"] < 1.0:
        return 0  # too little text to decide, or no clear answer: leave it
    # OSD reports the text's orientation counter-clockwise; the turn that undoes it is the
    # same angle clockwise ("Rotate" in the tesseract command's output).
    return (360 - int(osd["orient_deg"])) % 360


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


@functools.cache
def tessdata_dir() -> str:
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_DIRS]
    for folder in filter(None, candidates):
        if (Path(folder) / "eng.traineddata").is_file():
            return folder
    raise ExtractionError("Tesseract's English model (tesseract-ocr-eng) is not installed.")


_apis = threading.local()


def _tesseract_api(model: str) -> Any:
    """This thread's Tesseract for `model` ("eng" or "osd"), loaded once.

    In process (tesserocr) rather than one `tesseract` command per page: each command
    loaded the model again and wrote and decoded an image file, half of the OCR's CPU time
    (measured on the dev scans: 0.93 against 0.48 CPU-s per page).
    """
    loaded = _apis.__dict__.setdefault("loaded", {})
    if model not in loaded:
        import tesserocr

        if model == "osd":
            api = tesserocr.PyTessBaseAPI(
                path=tessdata_dir(), lang="osd", psm=tesserocr.PSM.OSD_ONLY
            )
        else:
            api = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=model, psm=PAGE_SEGMENTATION)
            api.SetVariable("tessedit_do_invert", "0")
        loaded[model] = api
    return loaded[model]


def _tesseract(image: Image.Image) -> OcrResult:
    import tesserocr

    api = _tesseract_api("eng")
    level = tesserocr.RIL.WORD
    boxes: list[tuple[str, int, int, int, int, float]] = []
    try:
        api.SetImage(image.convert("L"))
        if not api.Recognize(timeout=OCR_TIMEOUT * 1000):
            raise TransientExtractionError("OCR timed out.")
        for word in tesserocr.iterate_level(api.GetIterator(), level):
            try:
                text = word.GetUTF8Text(level)
            except RuntimeError:  # "No text returned": a page without words
                continue
            box = word.BoundingBox(level)
            if text and box:
                boxes.append((text, *box, word.Confidence(level)))
    except RuntimeError as exc:
        raise ExtractionError(f"OCR could not read the image: {exc}", code="ocr_failed") from exc
    finally:
        api.Clear()
    return _assemble(boxes, page_width=image.width)


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


def _assemble(boxes: list[tuple[str, int, int, int, int, float]], *, page_width: int) -> OcrResult:
    """Tesseract's words (text, left, top, right, bottom, confidence in pixels) laid out like
    a PDF's text layer (`pdf_layout`): lines by geometry, right-aligned dates kept on their
    entry's row, a sidebar read apart from the main column.

    Tesseract's own block order prints right-aligned dates after their whole column and can
    splice a sidebar's short lines onto the main column's rows.
    """
    boxes = [b for b in boxes if b[0].strip() and b[3] > b[1] and b[4] > b[2]]
    if not boxes:
        return OcrResult(text="", confidence=None, words=0)
    # The page in PDF points, whatever the resolution.
    scale = LAYOUT_WIDTH / max(page_width, 1)
    words: list[Word] = []
    confidences: list[float] = []
    for text, left, top, right, bottom, conf in boxes:
        words.append(Word(text.strip(), left * scale, right * scale, -bottom * scale, -top * scale))
        if conf >= 0:
            confidences.append(conf)
    confidence = sum(confidences) / len(confidences) if confidences else None
    text = words_text(words, LAYOUT_WIDTH)
    return OcrResult(text=text, confidence=confidence, words=len(confidences))
