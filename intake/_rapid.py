"""RapidOCR 3 (PP-OCRv6 small ONNX models shipped inside the ``rapidocr`` wheel) as an engine.

The models are read from the installed wheel, always by explicit path: given no path,
RapidOCR 3 resolves each model on its first use and downloads it when the file is missing or
its SHA-256 differs; given one, it only opens that file, so nothing is ever downloaded (a
missing model is an OcrEngineError at start). RapidOCR loads each model on first use;
``_load`` reads a blank image with each model alone, so all three load at start and no page
pays for it.

A ``RapidOCR`` object keeps per-call state (its ``use_cls`` switch, its detector's resize
step), so one object must not serve two threads at once: the engine keeps a pool with one
object per thread that is reading at the same time, each loaded once and reused.
"""

from __future__ import annotations

import math
import queue
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from rapidocr import RapidOCR
from rapidocr.ch_ppocr_cls import TextClsOutput
from rapidocr.ch_ppocr_det import TextDetOutput
from rapidocr.utils.output import RapidOCROutput

from intake._errors import OcrEngineError
from intake._layout import merge_rows
from intake._ocr import Box, OcrLine, OcrPage

MODELS: dict[str, str] = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}
"""The model file of each of RapidOCR's three stages (its config sections), as in the wheel."""

Quad = list[list[float]]
"""A text box's four corners (x, y), clockwise from the top left, as RapidOCR finds them."""

DETECTION_SIDE = 1280
"""The detector's longest side by default, as measured by ``bench.engine_compare``."""

# Crops of this many of the longest detected lines decide whether a page is upside down.
_ORIENTATION_SAMPLE = 24
_ORIENTATION_SIDE = 800
_CLS_MIN_SCORE = 0.8
_BLANK = np.full((32, 32, 3), 255, dtype=np.uint8)  # loads a model at next to no cost


def wheel_models() -> Path:
    """The directory of the ONNX models inside the installed ``rapidocr`` package."""
    return Path(str(files("rapidocr").joinpath("models")))


def _bounds(points: Sequence[Sequence[float]]) -> Box:
    xs = [float(point[0]) for point in points]
    ys = [float(point[1]) for point in points]
    return (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))


class RapidOcrEngine:
    """The default engine: RapidOCR's detection, direction and recognition models on ONNX Runtime.

    ``threads`` is ONNX Runtime's thread count per page being read (0: all cores); with
    several pages read in parallel, one thread each is fastest on a small machine.
    ``models`` is the directory holding ``MODELS`` (default: the wheel's own).
    ``detection_side`` is the longest side the text detector sees: larger pages are shrunk to
    it for detection only (lines are still recognised at the page's own resolution, up to
    RapidOCR's 2000 pixels); 0 keeps RapidOCR's own rule (the shortest side at least 736, a
    200 dpi A4 page detected at 1414 × 2000).
    """

    name = "rapidocr"

    def __init__(
        self, *, threads: int = 0, models: Path | None = None, detection_side: int = DETECTION_SIDE
    ) -> None:
        self._threads = threads
        self._detection_side = detection_side
        self._paths = {stage: (models or wheel_models()) / name for stage, name in MODELS.items()}
        missing = [str(path) for path in self._paths.values() if not path.is_file()]
        if missing:
            raise OcrEngineError(
                f"RapidOCR's models are missing: {', '.join(missing)}; reinstall the rapidocr "
                "package pinned in pyproject.toml (its wheel ships them; nothing is downloaded)"
            )
        self._idle: queue.SimpleQueue[RapidOCR] = queue.SimpleQueue()
        self._idle.put(self._load())

    def _load(self) -> RapidOCR:
        params: dict[str, Any] = {
            f"{stage}.model_path": str(path) for stage, path in self._paths.items()
        }
        params["Global.log_level"] = "error"
        if self._detection_side:
            params["Det.limit_type"] = "max"
            params["Det.limit_side_len"] = self._detection_side
        if self._threads:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = self._threads
        try:
            reader = RapidOCR(params=params)
            reader(_BLANK, use_det=True, use_cls=False, use_rec=False)
            reader(_BLANK, use_det=False, use_cls=True, use_rec=False)
            reader(_BLANK, use_det=False, use_cls=False, use_rec=True)
        # ONNX Runtime reports a broken model or install with its own exception types.
        except Exception as exc:
            raise OcrEngineError(f"RapidOCR could not load its models: {exc}") from exc
        return reader

    @contextmanager
    def _reader(self) -> Iterator[RapidOCR]:
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
                # contract read as nothing), so it is left out here. RapidOCR 3 ships the same
                # direction model as 1.4 did, byte for byte.
                result = reader(image, use_det=True, use_cls=False, use_rec=True)
            # The adapter boundary: any failure inside ONNX Runtime or OpenCV fails this page.
            except Exception as exc:
                raise OcrEngineError(f"RapidOCR failed on page {number}: {exc}") from exc
            seconds = time.perf_counter() - started
        found = _found(result)
        lines = [
            OcrLine(text=text, box=_bounds(points), confidence=score)
            for points, text, score in found
            if text.strip()
        ]
        return OcrPage(
            number=number,
            width=image.width,
            height=image.height,
            lines=merge_rows(lines, tilt=_tilt([points for points, _, _ in found])),
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


def _found(result: object) -> list[tuple[Quad, str, float]]:
    """RapidOCR's boxes, texts and scores side by side (none when it found no text)."""
    if not isinstance(result, RapidOCROutput):
        return []
    boxes, texts, scores = result.boxes, result.txts, result.scores
    if boxes is None or texts is None or scores is None:
        return []
    return [
        (box.tolist(), str(text), float(score))
        for box, text, score in zip(boxes, texts, scores, strict=True)
    ]


def _tilt(quads: Sequence[Sequence[Sequence[float]]]) -> float:
    """The median angle (radians, clockwise) of the wide text boxes' top edges."""
    angles = []
    for quad in quads:
        (x0, y0), (x1, y1) = quad[0][:2], quad[1][:2]
        width, height = x1 - x0, abs(float(quad[3][1]) - y0)
        if width > 2 * height > 0:
            angles.append(math.atan2(y1 - y0, width))
    return float(np.median(angles)) if angles else 0.0


def _bgr(image: Image.Image) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(image)[:, :, ::-1])


def _detect(reader: RapidOCR, image: Image.Image) -> list[np.ndarray]:
    result = reader(_bgr(image), use_det=True, use_cls=False, use_rec=False)
    # No text at all comes back as an empty RapidOCROutput, not as a TextDetOutput.
    boxes = result.boxes if isinstance(result, TextDetOutput | RapidOCROutput) else None
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


def _upside_down(reader: RapidOCR, image: Image.Image, boxes: list[np.ndarray]) -> bool:
    wide = [box for box in boxes if _sides(box)[0] > 2 * _sides(box)[1]]
    if not wide:
        return False
    longest = sorted(wide, key=lambda box: -_sides(box)[0])[:_ORIENTATION_SAMPLE]
    crops = reader.crop_text_regions(_bgr(image), np.array(longest))
    votes = 0
    for crop in crops:
        result = reader(crop, use_det=False, use_cls=True, use_rec=False)
        found = result.cls_res if isinstance(result, TextClsOutput) else None
        for label, score in found or []:
            if score >= _CLS_MIN_SCORE:
                votes += 1 if label == "180" else -1
    return votes > 0
