"""Did the camera move? Background shift against the first frame, with the person masked out.

Landmarks alone cannot tell a pan from the person moving, so this looks at the pixels: a small grey
copy of a frame about twice a second, the person's box filled with the background's mean, and phase
correlation against the first such frame. A camera on a tripod reads near zero; a hand-held phone or a
pan reads as a shift of several per cent of the frame width.
"""

from __future__ import annotations

import cv2
import numpy as np

WIDTH = 192  # pixels of the grey copy: enough texture, negligible cost next to pose inference
MIN_RESPONSE = 0.05  # weaker correlation peaks (little texture, big change) are not trusted


class CameraMotion:
    """Feed sampled frames with the person's pixel points; read the largest shift seen."""

    def __init__(self) -> None:
        self._reference: np.ndarray | None = None
        self._reference_box: tuple[int, int, int, int] | None = None
        self._window: np.ndarray | None = None
        self.max_shift = 0.0  # share of the frame width
        self.samples = 0

    def add(self, image: np.ndarray, points: np.ndarray | None) -> None:
        h, w = image.shape[:2]
        scale = WIDTH / w
        grey = cv2.cvtColor(cv2.resize(image, (WIDTH, max(8, round(h * scale)))), cv2.COLOR_RGB2GRAY)
        box = _box(points, scale, grey.shape)
        if self._reference is None:
            self._reference, self._reference_box = grey.astype(np.float32), box
            self._window = cv2.createHanningWindow(grey.shape[::-1], cv2.CV_32F)
            return
        a = _masked(self._reference, [self._reference_box, box])
        b = _masked(grey.astype(np.float32), [self._reference_box, box])
        (dx, dy), response = cv2.phaseCorrelate(a, b, self._window)
        self.samples += 1
        if response >= MIN_RESPONSE:
            self.max_shift = max(self.max_shift, float(np.hypot(dx, dy)) / WIDTH)


def _box(points: np.ndarray | None, scale: float, shape: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The person's bounding box in the grey copy, grown by a fifth each way; None if not found."""
    if points is None or np.isnan(points).all():
        return None
    xs, ys = points[:, 0] * scale, points[:, 1] * scale
    x0, x1, y0, y1 = np.nanmin(xs), np.nanmax(xs), np.nanmin(ys), np.nanmax(ys)
    gx, gy = 0.2 * (x1 - x0) + 4, 0.2 * (y1 - y0) + 4
    h, w = shape
    return (max(0, int(x0 - gx)), max(0, int(y0 - gy)), min(w, int(x1 + gx)), min(h, int(y1 + gy)))


def _masked(grey: np.ndarray, boxes: list) -> np.ndarray:
    out = grey.copy()
    fill = float(grey.mean())
    for box in boxes:
        if box is not None:
            x0, y0, x1, y1 = box
            out[y0:y1, x0:x1] = fill
    return out
