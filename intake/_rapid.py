"""RapidOCR (PP-OCRv4 ONNX models shipped inside the ``rapidocr-onnxruntime`` wheel) as an engine.

The models are read from the installed wheel; nothing is ever downloaded. A ``RapidOCR``
object keeps per-call state (its detector stores the resize step of the image being read),
so one object must not serve two threads at once: the engine keeps a pool with one object
per thread that is reading at the same time, each loaded once and reused.
"""

from __future__ import annotations

import math
import queue
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from PIL import Image
from rapidocr_onnxruntime import RapidOCR

from intake._errors import OcrEngineError
from intake._layout import merge_rows
from intake._ocr import Box, OcrLine, OcrPage

# Crops of this many of the longest detected lines decide whether a page is upside down.
_ORIENTATION_SAMPLE = 24
_ORIENTATION_SIDE = 800
_CLS_MIN_SCORE = 0.8


def _bounds(points: Sequence[Sequence[float]]) -> Box:
    xs = [float(point[0]) for point in points]
    ys = [float(point[1]) for point in points]
    return (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))


class RapidOcrEngine:
    """The default engine: RapidOCR's detection, direction and recognition models on ONNX Runtime.

    ``threads`` is ONNX Runtime's thread count per page being read (0: all cores); with
    several pages read in parallel, one thread each is fastest on a small machine.
    """

    name = "rapidocr"

    def __init__(self, *, threads: int = 0) -> None:
        self._threads = threads
        self._idle: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._idle.put(self._load())

    def _load(self) -> Any:
        options = {"intra_op_num_threads": self._threads} if self._threads else {}
        try:
            return RapidOCR(**options)
        # ONNX Runtime reports a broken model or install with its own exception types.
        except Exception as exc:
            raise OcrEngineError(f"RapidOCR could not load its models: {exc}") from exc

    @contextmanager
    def _reader(self) -> Iterator[Any]:
        try:
            reader = self._idle.get_nowait()
        except queue.Empty:
            reader = self._load()
        try:
            yield reader
        finally:
            self._idle.put(reader)

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        """Read an upright page; lines on the same row are joined left to right."""
        with self._reader() as reader:
            started = time.perf_counter()
            try:
                # The page is upright already (preparation turns it): the per-line direction
                # model could only turn lines upside down, and it does (a clause of a clean
                # contract read as nothing), so it is left out here.
                result, _ = reader(image, use_cls=False, return_word_box=True)
            # The adapter boundary: any failure inside ONNX Runtime or OpenCV fails this page.
            except Exception as exc:
                raise OcrEngineError(f"RapidOCR failed on page {number}: {exc}") from exc
            seconds = time.perf_counter() - started
        # With word boxes each result also carries the characters' boxes, the characters
        # (Chinese first, then Latin words) and each character's confidence, in text order.
        found = [(item[0], str(item[1]), float(item[2]), item[5]) for item in result or []]
        lines = [
            OcrLine(
                text=text,
                box=_bounds(points),
                confidence=score,
                char_confidences=tuple(float(value) for value in characters),
            )
            for points, text, score, characters in found
            if text.strip()
        ]
        return OcrPage(
            number=number,
            width=image.width,
            height=image.height,
            lines=merge_rows(lines, tilt=_tilt([points for points, _, _, _ in found])),
            source=self.name,
            engine_seconds=seconds,
        )

    def detect_rotation(self, image: Image.Image) -> int:
        """How far (0/90/180/270, clockwise) the page must be turned to be upright.

        Text lines taller than wide mean the page lies on its side; the direction model
        then votes on the longest lines of the page turned to landscape text.
        """
        thumb = image.convert("RGB")
        thumb.thumbnail((_ORIENTATION_SIDE, _ORIENTATION_SIDE))
        with self._reader() as reader:
            try:
                boxes = _detect(reader, thumb)
                sideways = _mostly_tall(boxes)
                if sideways:
                    thumb = thumb.rotate(-90, expand=True)
                    boxes = _detect(reader, thumb)
                upside_down = _upside_down(reader, thumb, boxes)
            except Exception as exc:
                raise OcrEngineError(
                    f"RapidOCR could not detect the page's orientation: {exc}"
                ) from exc
        return (90 if sideways else 0) + (180 if upside_down else 0)


def _tilt(quads: Sequence[Sequence[Sequence[float]]]) -> float:
    """The median angle (radians, clockwise) of the wide text boxes' top edges."""
    angles = []
    for quad in quads:
        (x0, y0), (x1, y1) = quad[0][:2], quad[1][:2]
        width, height = x1 - x0, abs(float(quad[3][1]) - y0)
        if width > 2 * height > 0:
            angles.append(math.atan2(y1 - y0, width))
    return float(np.median(angles)) if angles else 0.0


def _detect(reader: Any, image: Image.Image) -> list[np.ndarray]:
    pixels = np.ascontiguousarray(np.asarray(image)[:, :, ::-1])
    boxes, _ = reader.text_det(pixels)
    return [] if boxes is None else list(boxes)


def _sides(box: np.ndarray) -> tuple[float, float]:
    return float(np.linalg.norm(box[0] - box[1])), float(np.linalg.norm(box[1] - box[2]))


def _mostly_tall(boxes: list[np.ndarray]) -> bool:
    tall = wide = 0
    for box in boxes:
        width, height = _sides(box)
        tall += height > 1.5 * width
        wide += width > 1.5 * height
    return tall > wide


def _upside_down(reader: Any, image: Image.Image, boxes: list[np.ndarray]) -> bool:
    wide = [box for box in boxes if _sides(box)[0] > 2 * _sides(box)[1]]
    if not wide:
        return False
    longest = sorted(wide, key=lambda box: -_sides(box)[0])[:_ORIENTATION_SAMPLE]
    pixels = np.ascontiguousarray(np.asarray(image)[:, :, ::-1])
    crops = reader.get_crop_img_list(pixels, longest)
    _, labels, _ = reader.text_cls(crops)
    votes = sum((1 if label == "180" else -1) for label, score in labels if score >= _CLS_MIN_SCORE)
    return votes > 0
