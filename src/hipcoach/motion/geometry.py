"""Vector helpers shared by views, kinematics and the overlay: one definition of each angle."""

from __future__ import annotations

import numpy as np


def unit(v: np.ndarray) -> np.ndarray:
    """Vectors scaled to length 1 along the last axis; NaN for zero-length ones."""
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, np.nan)


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1)


def cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """z component of the 2D cross product: positive when b lies counter-clockwise of a (y up)."""
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


def signed_angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Counter-clockwise angle from 2D vectors a to b (y up), in degrees, in (-180, 180]."""
    return np.degrees(np.arctan2(cross(a, b), dot(a, b)))


def unsigned_angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle between vectors a and b in degrees, 0-180; NaN where either is missing or zero."""
    return np.degrees(np.arccos(np.clip(dot(unit(a), unit(b)), -1.0, 1.0)))


def inner_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle at point b between b→a and b→c, in degrees."""
    return unsigned_angle(a - b, c - b)
