"""The background-shift measure reads a moving camera and ignores a moving person."""

from __future__ import annotations

import numpy as np
import pytest

from hipcoach.motion.camera_motion import CameraMotion


def scene(seed: int = 0, size=(480, 640)) -> np.ndarray:
    """A textured RGB background (blurred noise), larger than the frames cut from it."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (size[0] // 8, size[1] // 8, 3), dtype=np.uint8)
    return np.kron(small, np.ones((8, 8, 1), dtype=np.uint8))


@pytest.mark.parametrize("pan_px", [0, 16, 40])
def test_a_pan_reads_as_its_share_of_the_width(pan_px):
    background = scene()
    motion = CameraMotion()
    for step in range(5):
        x = step * pan_px // 4
        motion.add(np.ascontiguousarray(background[40:400, x : x + 480]), None)
    assert motion.max_shift == pytest.approx(pan_px / 480, abs=0.01)


def test_a_person_moving_in_front_of_a_still_camera_is_not_camera_motion():
    background = scene()[40:400, :480].copy()
    motion = CameraMotion()
    for step in range(6):
        frame = background.copy()
        x0 = 100 + 40 * step  # a bright "person" walking across the picture
        frame[80:330, x0 : x0 + 90] = 230
        points = np.array([[x0, 80], [x0 + 90, 330]], float)
        motion.add(frame, points)
    assert motion.max_shift < 0.01
