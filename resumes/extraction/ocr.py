"""Tesseract OCR with orientation and skew correction and a light clean-up for photos."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np
import pytesseract
from PIL import Image, ImageFilter, ImageOps

from resumes.extraction.base import ExtractionError, TransientExtractionError

# Tesseract's OpenMP threads fight with Celery's processes on small machines.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

OSD_MAX_SIDE = 2000
DESKEW_MAX_SIDE = 900
DESKEW_RANGE = 6.0  # degrees either way
OCR_TIMEOUT = 60  # seconds per page
# Below this mean word confidence a page is checked for a quarter-turn rotation.
GOOD_CONFIDENCE = 75.0


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float | None  # mean word confidence, 0-100
    words: int


def prepare(image: Image.Image) -> Image.Image:
    """Upright, grey, contrast-stretched, and large enough for Tesseract's models."""
    image = ImageOps.exif_transpose(image) or image
    image = image.convert("L")
    longest = max(image.size)
    if longest < 1600:  # a small photo: scale so letters are ~20-30 px tall
        factor = 1600 / longest
        image = image.resize((round(image.width * factor), round(image.height * factor)))
    image = image.filter(ImageFilter.MedianFilter(3))  # sensor noise and specks
    image = flatten_lighting(image)
    image = ImageOps.autocontrast(image, cutoff=1)
    return image


def flatten_lighting(image: Image.Image) -> Image.Image:
    """Divide out the page's lighting (gradients, vignette, shadows of a phone photo).

    The background is estimated by a heavy blur of a small copy; text strokes are too thin to
    survive it. A flat scan is left as it is (dividing by a constant changes nothing).
    """
    small = image.copy()
    small.thumbnail((160, 160))
    background = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(6))
    background = background.resize(image.size, Image.Resampling.BILINEAR)
    page = np.asarray(image, dtype=np.float32)
    light = np.maximum(np.asarray(background, dtype=np.float32), 1.0)
    flat = np.clip(page / light * 255.0, 0, 255).astype(np.uint8)
    return Image.fromarray(flat)


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
    try:
        data = pytesseract.image_to_data(
            image,
            config="--psm 3 -c tessedit_do_invert=0",
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
    # A blank page reads as no words at all: nothing to turn.
    if orient and result.words >= 3 and (result.confidence or 0) < GOOD_CONFIDENCE:
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


@dataclass
class _Line:
    words: list[str]
    left: int
    right: int
    top: int
    bottom: int
    block: tuple[int, int]


def _assemble(data: dict[str, list]) -> OcrResult:
    lines: dict[tuple[int, int, int, int], _Line] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        word = word.strip()
        if not word:
            continue
        key = (data["page_num"][i], data["block_num"][i], data["par_num"][i], data["line_num"][i])
        left, top = data["left"][i], data["top"][i]
        right, bottom = left + data["width"][i], top + data["height"][i]
        line = lines.get(key)
        if line is None:
            lines[key] = _Line([word], left, right, top, bottom, key[:2])
        else:
            line.words.append(word)
            line.left, line.right = min(line.left, left), max(line.right, right)
            line.top, line.bottom = min(line.top, top), max(line.bottom, bottom)
        conf = float(data["conf"][i])
        if conf >= 0:
            confidences.append(conf)
    _join_right_aligned(list(lines.values()))
    text_lines: list[str] = []
    previous_block = None
    for key in sorted(lines):
        line = lines[key]
        if not line.words:
            continue  # moved onto the row it sits on
        block = key[:3]
        if previous_block is not None and block != previous_block:
            text_lines.append("")
        text_lines.append(" ".join(line.words))
        previous_block = block
    confidence = sum(confidences) / len(confidences) if confidences else None
    return OcrResult(text="\n".join(text_lines), confidence=confidence, words=len(confidences))


def _row_distance(a: _Line, b: _Line) -> float:
    """Vertical distance of two lines' centres, in units of the taller line's height."""
    height = max(a.bottom - a.top, b.bottom - b.top, 1)
    return abs((a.top + a.bottom) - (b.top + b.bottom)) / 2 / height


def _join_right_aligned(lines: list[_Line]) -> None:
    """Put short right-aligned lines (dates, places) back on the row they sit on.

    Tesseract reads "Acme Robotics ........ 05/2019 - 08/2019" as two blocks and prints all
    the dates after the column; a reader (and the parser) expects them on the entry's line.
    """
    if not lines:
        return
    right_edge = max(line.right for line in lines)
    left_edge = min(line.left for line in lines)
    reach = right_edge - 0.08 * (right_edge - left_edge)
    for line in lines:
        if len(line.words) > 6 or line.right < reach:
            continue
        row = [
            other
            for other in lines
            if other is not line
            and other.words
            and other.block != line.block
            and other.right < line.left
            and _row_distance(other, line) <= 1.5
        ]
        if not row:
            continue
        # The nearest line on its left (never one across another column), close enough:
        # themes often set the date a little above the entry's first line.
        target = max(row, key=lambda other: other.right)
        if _row_distance(target, line) <= 0.75:
            target.words.extend(line.words)
            target.right = line.right
            line.words = []
