"""Treadmill running from marker-based motion capture (Fukuchi et al. 2017), as ground truth for the screen.

Why: a pelvic-drop number from video is only worth showing if it agrees with what markers on the pelvis
say. This module reads the data set's text files, builds the joint centres a pose model would report,
computes the markers' own pelvic obliquity, stances and cadence, and films the runner with the synthetic
pinhole camera so the video screen can be run on it and compared stride by stride.

Files: tab-separated, a `Time` column then `<marker>X/Y/Z` in mm at 150 Hz; X anteroposterior (forward
positive), Y vertical, Z mediolateral (the runner's right positive); empty fields are gaps. Running
trials carry only the pelvis markers, thigh and shank clusters (four markers each) and foot markers; the
anatomical knee and ankle markers exist only in the standing (static) trial.

What is built, and how far to trust it:
* Hip joint centres: Harrington et al. (2007) regression from the ASIS/PSIS (pelvic width and depth).
  Both sides use the same regression, so the hip line stays parallel to the pelvis's own left-right axis:
  the obliquity truth does not depend on how accurate the regression is.
* Knees and ankles: the static trial's joint centres (mid-epicondyles, mid-malleoli) expressed in the
  thigh and shank cluster frames, carried into the running trial. A runner without a static trial of
  their own borrows another's offsets, which puts those joints a few centimetres off.
* Heel = Heel.Bottom, foot index = mid MT1/MT5.
* There are no trunk, arm or head markers. The trunk is made up: upright with an 8° forward lean, turning
  with the pelvis about the vertical but without its obliquity, so view classification and the body
  scale work and the trunk adds nothing to the pelvic measures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.landmarks import INDEX
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.synthetic.camera import frame_camera, render
from hipcoach.motion.synthetic.poses import assemble, frames, hanging_arms
from hipcoach.motion.synthetic.skeleton import Body, Skeleton, rotate, unit

PELVIS = ("R.ASIS", "L.ASIS", "R.PSIS", "L.PSIS", "R.Iliac.Crest", "L.Iliac.Crest")
CLUSTER = ("Top.Lateral", "Bottom.Lateral", "Top.Medial", "Bottom.Medial")
SIDE_CODE = {"left": "L", "right": "R"}
TRUNK_LEAN_DEG = 8.0


@dataclass
class MocapTrial:
    """Marker trajectories [T, 3] in metres, room axes x forward, y up, z the runner's right."""

    name: str
    t: np.ndarray
    markers: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.markers[name]

    def mean(self, *names: str) -> np.ndarray:
        return np.mean([self.markers[n] for n in names], axis=0)


def read_fukuchi(path: str | Path) -> MocapTrial:
    """Read one Fukuchi marker file; columns with no value at all are dropped."""
    path = Path(path)
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise UserError(f"Cannot read the motion-capture file {path}.", "Check the path.") from exc
    header = lines[0].split("\t")
    if header[0] != "Time" or (len(header) - 1) % 3:
        raise UserError(f"{path.name} is not a Fukuchi marker file.", "Expected Time then <marker>X/Y/Z.")
    rows = [[float(v) if v.strip() else np.nan for v in line.split("\t")] for line in lines[1:] if line]
    data = np.array(rows, dtype=np.float64)
    markers = {}
    for i in range(1, len(header), 3):
        xyz = data[:, i : i + 3] / 1000.0
        if np.isfinite(xyz).any():
            markers[header[i][:-1]] = xyz
    return MocapTrial(path.stem, data[:, 0], markers)


def fill_rigid(trial: MocapTrial, names: tuple[str, ...] = PELVIS) -> MocapTrial:
    """Fill a marker's gaps from the others of the same rigid segment: the nearest complete frame's
    shape, fitted (Kabsch) to the markers present. Frames with fewer than 3 markers stay NaN."""
    pts = np.stack([trial[n] for n in names], 1)
    ok = np.isfinite(pts).all(-1)
    complete = np.flatnonzero(ok.all(1))
    if len(complete) == 0:
        return trial
    for i in np.flatnonzero(~ok.all(1) & (ok.sum(1) >= 3)):
        ref = pts[complete[np.argmin(np.abs(complete - i))]]
        have = ok[i]
        a, b = ref[have], pts[i, have]
        ca, cb = a.mean(0), b.mean(0)
        u, _, vt = np.linalg.svd((a - ca).T @ (b - cb))
        d = np.sign(np.linalg.det(u @ vt))
        rot = u @ np.diag([1.0, 1.0, d]) @ vt
        pts[i, ~have] = (ref[~have] - ca) @ rot + cb
    markers = dict(trial.markers)
    for k, n in enumerate(names):
        markers[n] = pts[:, k]
    return replace(trial, markers=markers)


def hip_joint_centres(trial: MocapTrial) -> dict[str, np.ndarray]:
    """Hip joint centres per side (Harrington 2007 regression, in the pelvis frame, millimetres)."""
    asis_mid = trial.mean("R.ASIS", "L.ASIS")
    psis_mid = trial.mean("R.PSIS", "L.PSIS")
    right = unit(trial["R.ASIS"] - trial["L.ASIS"])
    up = unit(np.cross(right, asis_mid - psis_mid))
    ant = np.cross(up, right)
    width = 1000 * np.linalg.norm(trial["R.ASIS"] - trial["L.ASIS"], axis=-1)[:, None]
    depth = 1000 * np.linalg.norm(asis_mid - psis_mid, axis=-1)[:, None]
    base = asis_mid + ((-0.24 * depth - 9.9) * ant + (-0.30 * width - 10.9) * up) / 1000
    lateral = (0.33 * width + 7.3) / 1000
    return {"right": base + lateral * right, "left": base - lateral * right}


def _cluster_frame(trial: MocapTrial, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """Origin [T, 3] and rotation [T, 3, 3] (columns = axes) of a four-marker cluster."""
    m = {c: trial[f"{prefix}.{c}"] for c in CLUSTER}
    along = unit(0.5 * (m["Top.Lateral"] + m["Top.Medial"] - m["Bottom.Lateral"] - m["Bottom.Medial"]))
    across = 0.5 * (m["Top.Lateral"] + m["Bottom.Lateral"] - m["Top.Medial"] - m["Bottom.Medial"])
    across = unit(across - np.sum(across * along, -1, keepdims=True) * along)
    return np.mean(list(m.values()), axis=0), np.stack([along, across, np.cross(along, across)], -1)


def joint_offsets(static: MocapTrial) -> dict[str, np.ndarray]:
    """Knee and ankle centres in their cluster frames, from a standing trial's anatomical markers."""
    out = {}
    for side, c in SIDE_CODE.items():
        for joint, segment in (("knee", "Thigh"), ("ankle", "Shank")):
            label = "Knee" if joint == "knee" else "Ankle"
            centre = static.mean(f"{c}.{label}", f"{c}.{label}.Medial")
            origin, rot = _cluster_frame(static, f"{c}.{segment}")
            out[f"{side}_{joint}"] = np.nanmedian(np.einsum("tji,tj->ti", rot, centre - origin), axis=0)
    return out


def joint_centres(trial: MocapTrial, offsets: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """BlazePose-named lower-body landmarks [T, 3] from the markers (see the module docstring)."""
    trial = fill_rigid(trial)
    hips = hip_joint_centres(trial)
    out = {}
    for side, c in SIDE_CODE.items():
        out[f"{side}_hip"] = hips[side]
        for joint, segment in (("knee", "Thigh"), ("ankle", "Shank")):
            origin, rot = _cluster_frame(trial, f"{c}.{segment}")
            out[f"{side}_{joint}"] = origin + rot @ offsets[f"{side}_{joint}"]
        out[f"{side}_heel"] = trial[f"{c}.Heel.Bottom"]
        out[f"{side}_foot_index"] = trial.mean(f"{c}.MT1", f"{c}.MT5")
    return out


def pelvic_obliquity(joints: dict[str, np.ndarray]) -> np.ndarray:
    """[T] degrees, the hip line against the horizontal in the lab's frontal plane; + = left hip higher
    (the sign convention of `kinematics`). This is what a camera straight behind the runner sees."""
    d = joints["left_hip"] - joints["right_hip"]
    return np.degrees(np.arctan2(d[:, 1], -d[:, 2]))


def marker_stances(trial: MocapTrial, within_m: float = 0.015) -> list[dict]:
    """Stance phases from the markers: a foot is on the belt while its heel or forefoot marker is within
    `within_m` of that marker's lowest level (its 2nd percentile height over the trial). Contacts
    shorter than 0.1 s are dropped; each stance runs from foot strike to toe-off."""
    trial = fill_rigid(trial)
    min_frames = int(0.1 / float(np.median(np.diff(trial.t))))
    stances = []
    for side, c in SIDE_CODE.items():
        on = np.zeros(len(trial.t), bool)
        for marker in (trial[f"{c}.Heel.Bottom"], trial.mean(f"{c}.MT1", f"{c}.MT5")):
            height = marker[:, 1]
            on |= height < np.nanpercentile(height, 2) + within_m
        edges = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
        for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
            if b - a >= min_frames and a > 0 and b < len(on):
                stances.append({"side": side, "start": float(trial.t[a]), "end": float(trial.t[b - 1])})
    return sorted(stances, key=lambda s: s["start"])


def marker_cadence(stances: list[dict]) -> float:
    """Steps per minute from foot strikes of both feet: steps over the time they span."""
    strikes = sorted(s["start"] for s in stances)
    return 60.0 * (len(strikes) - 1) / (strikes[-1] - strikes[0]) if len(strikes) > 1 else float("nan")


def marker_drops(trial: MocapTrial, offsets: dict[str, np.ndarray]) -> list[dict]:
    """Each marker stance with its contralateral pelvic drop at its peak (the obliquity's extreme towards
    the swing side), the ground truth for the running screen's per-stance drop."""
    obliquity = pelvic_obliquity(joint_centres(trial, offsets))
    out = []
    for s in marker_stances(trial):
        inside = (trial.t >= s["start"]) & (trial.t <= s["end"])
        sign = 1.0 if s["side"] == "left" else -1.0  # left stance: the right side drops, obliquity +
        out.append({**s, "peak_drop_deg": float(np.nanmax(sign * obliquity[inside]))})
    return out


def match_stances(screen: list[dict], truth: list[dict], t0: float = 0.0) -> list[tuple[dict, dict]]:
    """Pairs (screen stance, marker stance) whose midstance falls inside a marker stance of the same side;
    `t0` is the marker time of the track's first frame."""
    pairs = []
    for s in screen:
        mid = s["midstance_s"] + t0
        hit = [m for m in truth if m["start"] <= mid <= m["end"] and m["side"] == s["side"]]
        if hit:
            pairs.append((s, hit[0]))
    return pairs


def _skeleton(joints: dict[str, np.ndarray]) -> Skeleton:
    """A whole body around the measured legs, with the made-up trunk described in the module docstring."""
    n = len(joints["left_hip"])
    leg = np.nanmedian(
        [
            np.linalg.norm(joints[f"{s}_hip"] - joints[f"{s}_knee"], axis=-1)
            + np.linalg.norm(joints[f"{s}_knee"] - joints[f"{s}_ankle"], axis=-1)
            for s in SIDE_CODE
        ]
    )
    body = Body(float(leg) / Body(1.0).leg)
    hip_mid = 0.5 * (joints["left_hip"] + joints["right_hip"])
    left = unit(joints["left_hip"] - joints["right_hip"])
    vertical = np.array([0.0, 1.0, 0.0])
    pelvis = frames(left, vertical - left[:, 1:2] * left, n)
    flat_left = left * np.array([1.0, 0.0, 1.0])
    trunk = rotate(frames(flat_left, np.array([0.0, 1.0, 0.0]), n), 0, TRUNK_LEAN_DEG)
    legs = {}
    for s in SIDE_CODE:
        heel, ankle = joints[f"{s}_heel"], joints[f"{s}_ankle"]
        legs[s] = (joints[f"{s}_knee"], ankle, joints[f"{s}_foot_index"] - heel, ankle - heel)
    skel = assemble(body, hip_mid, pelvis, trunk, legs)
    shoulders = {s: skel.shoulder(s) for s in SIDE_CODE}
    skel.elbow, skel.wrist = hanging_arms(body, trunk, shoulders, flex=20.0, elbow=90.0)
    return skel


def _resample(t: np.ndarray, t_src: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Linear resampling that bridges marker gaps (a few frames where too few pelvis markers were seen)."""
    ok = np.isfinite(x)
    return np.interp(t, t_src[ok], x[ok])


def film_from_behind(
    trial: MocapTrial,
    offsets: dict[str, np.ndarray],
    *,
    yaw_deg: float = 0.0,
    fps: float = 60.0,
    noise: float = 0.0,
    dropout: float = 0.0,
    frame_size: tuple[int, int] = (720, 1280),
    seed: int = 0,
) -> PoseTrack:
    """The trial as a phone behind the treadmill at hip height would give it to the screen: `yaw_deg` turns
    the camera about the vertical off the line straight behind; resampled to `fps`; noise and dropout as
    in `synthetic.camera.render` (noise = landmark jitter as a share of the runner's image height).
    Marker gaps are bridged linearly, as motion-capture software would before analysis."""
    joints = joint_centres(trial, offsets)
    t = np.arange(trial.t[0], trial.t[-1], 1.0 / fps)
    joints = {k: np.stack([_resample(t, trial.t, v[:, i]) for i in range(3)], -1) for k, v in joints.items()}
    pos, normals = _skeleton(joints).landmarks()
    for name, p in joints.items():
        pos[:, INDEX[name]] = p
    yaw = np.radians(yaw_deg)
    direction = np.array([-np.cos(yaw), 0.0, np.sin(yaw)])
    lens = float(np.nanmedian(0.5 * (joints["left_hip"][:, 1] + joints["right_hip"][:, 1])))
    camera = frame_camera(pos[np.isfinite(pos).all((1, 2))], direction, lens, frame_size)
    track = render(pos, normals, camera, t - t[0], noise=noise, dropout=dropout, seed=seed)
    track.source_name = trial.name
    track.meta = {"source": "fukuchi mocap", "camera_yaw_deg": yaw_deg, "noise": noise, "dropout": dropout}
    return track
