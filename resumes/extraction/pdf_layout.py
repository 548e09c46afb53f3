"""Text of a PDF page in reading order, from pdfium's character boxes.

pdfium is ten times faster than pdfminer here, but its own text order follows the content
stream, which interleaves two-column layouts. So: characters → words → lines → segments (runs
of words separated by wide gaps); then find a vertical gutter that few lines cross and read
consecutive lines that do not cross it column by column.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from statistics import median

import pypdfium2 as pdfium

from resumes.extraction.pdf_words import Word, page_words

# A run of at least this many lines that leave the gutter free is read as columns.
MIN_COLUMN_RUN = 3
GUTTER_MIN_WIDTH = 8.0  # points
RIGHT_STOP_TOLERANCE = 2.0  # points: right edges this close share a tab stop
TAB_GAP = 4.0  # letter heights between a right-aligned value and the text on its left
# Page numbers are layout, not content ("Page 2", "2 / 3", "- 2 -", "Page 2 of 3").
PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+\d+(?:\s*(?:of|/)\s*\d+)?|\d+\s*/\s*\d+|-\s*\d+\s*-)\s*$", re.I
)


@dataclass
class Segment:
    words: list[Word]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass
class Line:
    words: list[Word] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    @property
    def top(self) -> float:
        return max(word.top for word in self.words)


def group_lines(words: list[Word]) -> list[Line]:
    lines: list[Line] = []
    # A dash or a dot from OCR is a sliver of a box: judge it by the page's usual letter height.
    floor = 0.6 * _median([word.height for word in words])
    # Top to bottom, then left to right (two stable sorts: faster than a tuple key).
    ordered = sorted(words, key=attrgetter("x0"))
    ordered.sort(key=attrgetter("middle"), reverse=True)
    last: Word | None = None
    for word in ordered:
        if last is not None and abs(last.middle - word.middle) < 0.45 * max(
            min(word.height, last.height), floor
        ):
            lines[-1].words.append(word)
        else:
            lines.append(Line(words=[word]))
        last = word
    for line in lines:
        line.words.sort(key=attrgetter("x0"))
        gap = 1.2 * _median([w.height for w in line.words])
        segment = [line.words[0]]
        segments: list[Segment] = [Segment(segment)]
        right = segment[0].x1
        for word in line.words[1:]:
            if word.x0 - right > gap:
                segment = [word]
                segments.append(Segment(segment))
            else:
                segment.append(word)
            right = word.x1
        line.segments = segments
    return lines


def _median(values: list[float]) -> float:
    values.sort()
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def attach_right_aligned(lines: list[Line], width: float) -> None:
    """Join right-aligned segments (dates, places) to the segment on their left.

    Themes set an entry's dates or place flush right, far from its title. Several short last
    segments of lines that end at the same x (a right tab stop), starting at different x and
    far from the text on their left, are such values; kept apart, they would look like a
    narrow column of their own and be read after the whole column. A row of skill "chips"
    is not: its items sit close together.
    """
    # Where lines begin: the left edges of columns. A value set at a right tab stop never
    # begins a line; a column's short line that happens to share a row with the other column
    # does.
    line_starts = Counter(round(line.segments[0].x0 / 2) for line in lines)
    tails: list[tuple[Line, float]] = []
    for line in lines:
        if len(line.segments) < 2:
            continue
        tail, before = line.segments[-1], line.segments[-2]
        height = median(w.height for w in tail.words)
        starts_lines = sum(line_starts[round(tail.x0 / 2) + d] for d in (-1, 0, 1))
        if (
            tail.x1 - tail.x0 <= 0.3 * width
            and tail.x0 - before.x1 >= TAB_GAP * height
            and starts_lines < 2
        ):
            tails.append((line, tail.x1))
    tails.sort(key=lambda item: item[1])
    groups: list[list[Line]] = []
    stop = None
    for line, x1 in tails:
        if stop is None or x1 - stop > RIGHT_STOP_TOLERANCE:
            groups.append([])
            stop = x1
        groups[-1].append(line)
    for group in groups:
        starts = {round(line.segments[-1].x0) for line in group}
        if len(group) < MIN_COLUMN_RUN or len(starts) < 2:
            continue
        for line in group:
            tail = line.segments.pop()
            line.segments[-1] = Segment(line.segments[-1].words + tail.words)


def _free_runs(lines: list[Line], width: float) -> list[tuple[float, float, float]]:
    """Vertical bands that few lines cross: (left x, right x, x of least coverage)."""
    bins = int(width // 2) + 1
    # Lines covering each 2-point bin: +1 where a segment starts, -1 after it ends, summed.
    changes = [0] * (bins + 1)
    for line in lines:
        for segment in line.segments:
            first = max(int(segment.x0 // 2), 0)
            last = min(int(segment.x1 // 2) + 1, bins)
            if first < last:
                changes[first] += 1
                changes[last] -= 1
    cover = list(itertools.accumulate(changes[:bins]))
    allowed = max(2, len(lines) // 5)  # full-width headings and footers
    low, high = int(width * 0.12 // 2), int(width * 0.88 // 2)
    runs: list[tuple[float, float, float]] = []
    begin = None
    for b in range(low, high + 2):
        free = b <= high and cover[b] <= allowed
        if free and begin is None:
            begin = b
        elif not free and begin is not None:
            least = min(cover[begin:b])
            emptiest = [i for i in range(begin, b) if cover[i] == least]
            # The middle of the emptiest stretch: the fewest lines are cut there.
            centre = (emptiest[0] + emptiest[-1] + 1) * 1.0
            runs.append((begin * 2.0, b * 2.0, centre))
            begin = None
    return runs


def find_gutter(lines: list[Line], width: float) -> float | None:
    """The x of a vertical band between two columns of text that few lines cross.

    Of the bands with text on both sides, the widest that does not merely separate labels
    from their values on the same rows (see `_is_row_layout`).
    """
    if len(lines) < MIN_COLUMN_RUN * 2:
        return None
    best: tuple[float, float] | None = None  # (width, x)
    for begin, end, centre in _free_runs(lines, width):
        run_width = end - begin
        if run_width < GUTTER_MIN_WIDTH or (best is not None and run_width <= best[0]):
            continue
        # A gutter has text on both sides (not the empty margin after short lines).
        left = sum(1 for line in lines if any(s.x1 < centre for s in line.segments))
        right = sum(1 for line in lines if any(s.x0 > centre for s in line.segments))
        if left < MIN_COLUMN_RUN or right < MIN_COLUMN_RUN:
            continue
        apart = [ln for ln in lines if not any(s.x0 < centre < s.x1 for s in ln.segments)]
        if _is_row_layout(apart, centre, width):
            continue
        best = (run_width, centre)
    return best[1] if best is not None else None


def _is_row_layout(run: list[Line], gutter: float, width: float) -> bool:
    """Label-and-value rows ("Engineer, Acme ........ 2019 - 2021") are not columns.

    Nearly every piece right of the gutter shares its row with text on the left, and the
    right side is either narrow (dates, places) or sparse (a link beside each entry's title,
    with the entry's lines below it): two real columns are both dense.
    """
    right_lines = [ln for ln in run if any(s.x0 > gutter for s in ln.segments)]
    if not right_lines:
        return True
    left_lines = [ln for ln in run if any(s.x1 < gutter for s in ln.segments)]
    paired = sum(1 for ln in right_lines if any(s.x1 < gutter for s in ln.segments))
    if paired < 0.8 * len(right_lines):
        return False
    rights = [s for ln in right_lines for s in ln.segments if s.x0 > gutter]
    narrow = max(s.x1 - s.x0 for s in rights) < 0.22 * width
    return narrow or len(right_lines) <= 0.5 * len(left_lines)


# Pieces of one row that a wide gap separates (skill chips, a title and its dates) are joined
# by a tab: the parser reads a tab as a cell boundary, a space as words of one phrase.
SEGMENT_GAP = "\t"


def order_lines(lines: list[Line], width: float) -> list[str]:
    attach_right_aligned(lines, width)
    gutter = find_gutter(lines, width)
    if gutter is None:
        return [SEGMENT_GAP.join(s.text for s in line.segments) for line in lines]
    out: list[str] = []
    run: list[Line] = []

    def flush_run() -> None:
        if len(run) >= MIN_COLUMN_RUN and not _is_row_layout(run, gutter, width):
            left = [SEGMENT_GAP.join(s.text for s in ln.segments if s.x1 < gutter) for ln in run]
            right = [SEGMENT_GAP.join(s.text for s in ln.segments if s.x0 > gutter) for ln in run]
            out.extend(text for text in left if text)
            out.extend(text for text in right if text)
        else:
            out.extend(SEGMENT_GAP.join(s.text for s in ln.segments) for ln in run)
        run.clear()

    for line in lines:
        crosses = any(s.x0 < gutter < s.x1 for s in line.segments)
        if crosses:
            flush_run()
            out.append(SEGMENT_GAP.join(s.text for s in line.segments))
        else:
            run.append(line)
    flush_run()
    return out


def page_text(page: pdfium.PdfPage) -> str:
    width, _height = page.get_size()
    textpage = page.get_textpage()
    try:
        words = page_words(textpage)
    finally:
        textpage.close()
    return words_text(words, width)


def words_text(words: list[Word], width: float) -> str:
    """Positioned words (from a text layer or OCR) as lines in reading order."""
    if not words:
        return ""
    lines = [line for line in order_lines(group_lines(words), width) if not PAGE_NUMBER.match(line)]
    return unicodedata.normalize("NFKC", "\n".join(lines))
