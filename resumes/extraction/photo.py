"""Straighten a phone photo of a printed page: find the page, warp it to a rectangle.

A photographed page is a bright quadrilateral on a darker background (a desk, a table),
keystoned by the camera's angle. Its corners are the extreme points of the largest bright
region of a small copy (Otsu's threshold); a perspective transform maps them to a rectangle
of the page's own size. A scan, whose page fills the frame, is left alone.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

PROBE_SIDE = 500  # pixels: the page outline needs no more
MIN_PAGE_AREA = 0.25  # of the photo: a smaller bright region is not the page
MAX_PAGE_AREA = 0.97  # the page fills the frame: nothing to cut away
MIN_CONTRAST = 1.4  # page brightness over background brightness


def otsu_threshold(values: np.ndarray) -> float:
    """The grey level that best splits `values` (uint8) into two classes."""
    histogram = np.bincount(values.ravel(), minlength=256).astype(np.float64)
    weights = np.cumsum(histogram)
    sums = np.cumsum(histogram * np.arange(256))
    total, total_sum = weights[-1], sums[-1]
    background = weights[:-1]
    foreground = total - background
    valid = (background > 0) & (foreground > 0)
    mean_b = np.where(valid, sums[:-1] / np.maximum(background, 1), 0)
    mean_f = np.where(valid, (total_sum - sums[:-1]) / np.maximum(foreground, 1), 0)
    between = np.where(valid, background * foreground * (mean_b - mean_f) ** 2, 0)
    return float(np.argmax(between))


def find_page(image: Image.Image) -> np.ndarray | None:
    """Corners of the page (top-left, top-right, bottom-right, bottom-left) in `image`'s
    pixels, or None when no page stands out from a background."""
    grey = image.convert("L")
    factor = max(1, max(grey.size) // PROBE_SIDE)
    probe = grey.reduce(factor)  # box averages: fast, and noise-free
    scale = probe.width / grey.width
    pixels = np.asarray(probe, dtype=np.uint8)
    bright = pixels > otsu_threshold(pixels)
    # Text and rules inside the page are dark too: close them up, then keep the largest region.
    bright = ndimage.binary_closing(bright, iterations=3)
    bright = ndimage.binary_fill_holes(bright)
    labels, count = ndimage.label(bright)
    if count == 0:
        return None
    sizes = ndimage.sum_labels(bright, labels, index=np.arange(1, count + 1))
    page = labels == (int(np.argmax(sizes)) + 1)
    area = page.mean()
    if not MIN_PAGE_AREA <= area <= MAX_PAGE_AREA:
        return None
    outside = pixels[~page]
    if outside.size and pixels[page].mean() < MIN_CONTRAST * max(outside.mean(), 1.0):
        return None
    ys, xs = np.nonzero(page)
    total, difference = xs + ys, xs - ys
    corners = np.array(
        [
            (xs[np.argmin(total)], ys[np.argmin(total)]),
            (xs[np.argmax(difference)], ys[np.argmax(difference)]),
            (xs[np.argmax(total)], ys[np.argmax(total)]),
            (xs[np.argmin(difference)], ys[np.argmin(difference)]),
        ],
        dtype=np.float64,
    )
    # Pixel centres of the probe back to the photo's pixels.
    corners = (corners + 0.5) / scale
    if _quad_area(corners) < MIN_PAGE_AREA * grey.width * grey.height:
        return None  # the extreme points do not outline a page (a blob, a diagonal stripe)
    return corners


def _quad_area(corners: np.ndarray) -> float:
    xs, ys = corners[:, 0], corners[:, 1]
    return 0.5 * abs(float(np.dot(xs, np.roll(ys, -1)) - np.dot(ys, np.roll(xs, -1))))


def perspective_coefficients(source: np.ndarray, target: np.ndarray) -> tuple[float, ...]:
    """Pillow's PERSPECTIVE data: the map from `target` (output) corners to `source` ones."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    solution = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return tuple(float(c) for c in solution)


def straighten(image: Image.Image) -> Image.Image:
    """The page of a photo, cut out and warped to a rectangle; other images unchanged."""
    corners = find_page(image)
    if corners is None:
        return image
    top_left, top_right, bottom_right, bottom_left = corners
    norm = np.linalg.norm
    width = round(max(norm(top_right - top_left), norm(bottom_right - bottom_left)))
    height = round(max(norm(bottom_left - top_left), norm(bottom_right - top_right)))
    target = np.array([(0, 0), (width, 0), (width, height), (0, height)], dtype=np.float64)
    data = perspective_coefficients(corners, target)
    return image.transform(
        (width, height), Image.Transform.PERSPECTIVE, data, resample=Image.Resampling.BICUBIC
    )
