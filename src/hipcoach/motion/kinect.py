"""UI-PRMD Kinect skeletons as hipcoach PoseTracks, so the video coach can be checked on real movement.

UI-PRMD (Vakanski et al. 2018) recorded ten people doing rehabilitation movements, correctly and
incorrectly, with a Kinect v2: 22 joints at 30 Hz, one repetition per file. The files are a BVH-like
hierarchy, worked out from the data itself:

* Positions file: per frame 22 × (x, y, z) in centimetres. Joint 0 (spine base) is absolute in the room
  (y up, floor near y = 0, the sensor near the origin); every other joint is an offset in its parent's
  local frame (local x = the person's left, y = up, z = forwards when the parent is unrotated).
* Angles file: per frame 22 × (x, y, z) Euler angles in degrees, composed R = Rz · Rx · Ry (BVH
  "Zrotation Xrotation Yrotation"); a joint's rotation turns the offsets of its children. With this
  order the legs move smoothly; the other five throw the lifted foot 0.4-1.6 m between frames.

The absolute skeleton is then dressed in BlazePose's 33 landmarks and filmed by the synthetic camera, so
everything downstream (views, kinematics, rep counting) sees the shape of track a phone video gives.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.landmarks import INDEX, N_LANDMARKS
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.synthetic.camera import frame_camera, render

FPS = 30.0
# Named by where the joint sits on the body (the files order them this way).
JOINTS: tuple[str, ...] = (
    "spine_base", "spine_mid", "chest", "neck", "head_base", "head",
    "left_collar", "left_shoulder", "left_elbow", "left_wrist",
    "right_collar", "right_shoulder", "right_elbow", "right_wrist",
    "left_hip", "left_knee", "left_ankle", "left_foot",
    "right_hip", "right_knee", "right_ankle", "right_foot",
)  # fmt: skip
J = {name: i for i, name in enumerate(JOINTS)}
PARENT: tuple[int, ...] = (-1, 0, 1, 2, 3, 4, 2, 6, 7, 8, 2, 10, 11, 12, 0, 14, 15, 16, 0, 18, 19, 20)
EULER_ORDER = "zxy"  # R = Rz @ Rx @ Ry; the files' columns are x, y, z

# Kinect joint → BlazePose landmark, where a Kinect joint marks the same place.
KINECT_TO_BLAZEPOSE: dict[str, str] = {
    **{f"{s}_{j}": f"{s}_{j}" for s in ("left", "right") for j in ("shoulder", "elbow", "wrist")},
    **{f"{s}_{j}": f"{s}_{j}" for s in ("left", "right") for j in ("hip", "knee", "ankle")},
    "left_foot": "left_foot_index",
    "right_foot": "right_foot_index",
}
# The 22 joints have no fingers: these landmarks are NaN with visibility 0.
NO_COUNTERPART = tuple(f"{s}_{h}" for s in ("left", "right") for h in ("pinky", "index", "thumb"))
# Face landmarks placed around the Kinect head joint (the head's centre): metres (lateral to the
# person's left, up, forwards), adult averages.
FACE_OFFSETS: dict[str, tuple[float, float, float]] = {
    "nose": (0.0, -0.01, 0.10),
    **{
        f"{s}_{name}": (sign * lat, up, fwd)
        for s, sign in (("left", 1.0), ("right", -1.0))
        for name, (lat, up, fwd) in {
            "eye_inner": (0.015, 0.025, 0.085),
            "eye": (0.032, 0.025, 0.08),
            "eye_outer": (0.048, 0.025, 0.07),
            "ear": (0.075, 0.0, 0.0),
        }.items()
    },
    "mouth_left": (0.025, -0.045, 0.085),
    "mouth_right": (-0.025, -0.045, 0.085),
}
HEEL_OFFSET = np.array([0.0, -0.05, -0.05])  # in the ankle's frame: below and behind the ankle centre
VIEWS = ("front", "back", "left_side", "right_side")
LENS_HEIGHT = 0.9  # metres above the floor, as the catalogue sets a phone up for standing exercises
FOLDERS = {True: ("Segmented Movements", ""), False: ("Incorrect Segmented Movements", "_inc")}


def _rotation(axis: str, degrees: np.ndarray) -> np.ndarray:
    """[T, 3, 3] right-handed rotations about a coordinate axis."""
    a = np.radians(degrees)
    c, s, one, zero = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    rows = {
        "x": ((one, zero, zero), (zero, c, -s), (zero, s, c)),
        "y": ((c, zero, s), (zero, one, zero), (-s, zero, c)),
        "z": ((c, -s, zero), (s, c, zero), (zero, zero, one)),
    }[axis]
    return np.stack([np.stack(r, -1) for r in rows], -2)


def forward_kinematics(
    offsets: np.ndarray, angles: np.ndarray, order: str = EULER_ORDER
) -> tuple[np.ndarray, np.ndarray]:
    """Absolute joint positions [T, 22, 3] (same unit as `offsets`) and joint frames [T, 22, 3, 3].

    offsets: the Positions file as [T, 22, 3] (joint 0 absolute, the rest in the parent's frame);
    angles: the Angles file as [T, 22, 3] degrees (columns x, y, z); order: the axes' composition,
    left to right (other orders exist only to show that this one is right)."""
    t = len(offsets)
    pos = np.zeros((t, len(JOINTS), 3))
    frames = np.zeros((t, len(JOINTS), 3, 3))
    column = {"x": 0, "y": 1, "z": 2}
    for j, parent in enumerate(PARENT):
        local = np.broadcast_to(np.eye(3), (t, 3, 3))
        for axis in order:
            local = local @ _rotation(axis, angles[:, j, column[axis]])
        if parent < 0:
            pos[:, j], frames[:, j] = offsets[:, j], local
        else:
            pos[:, j] = pos[:, parent] + np.einsum("tij,tj->ti", frames[:, parent], offsets[:, j])
            frames[:, j] = frames[:, parent] @ local
    return pos, frames


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _read_table(path: Path) -> np.ndarray:
    """[T, 22, 3] from one comma-separated file (gzip or plain text)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt") as fh:
            rows = [line for line in fh if line.strip()]
        values = np.array([[float(v) for v in line.split(",")] for line in rows])
    except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not a UI-PRMD table ({exc}).", "Re-extract the data set.") from exc
    if values.ndim != 2 or values.shape[1] != 3 * len(JOINTS) or not np.isfinite(values).all():
        raise UserError(
            f"{path} does not hold {3 * len(JOINTS)} numbers per row (22 Kinect joints × x, y, z).",
            "Only the Kinect files of UI-PRMD can be read (not the Vicon ones).",
        )
    return values.reshape(len(values), len(JOINTS), 3)


def _kinect_dir(root: Path, correct: bool) -> Path:
    folder = root / FOLDERS[correct][0] / "Kinect"
    if not (folder / "Positions").is_dir() or not (folder / "Angles").is_dir():
        raise UserError(
            f"No UI-PRMD Kinect data under {root} (looked for {folder}/Positions and /Angles).",
            "Point at the UI-PRMD folder holding 'Segmented Movements' and 'Incorrect Segmented Movements'.",
        )
    return folder


def _find(folder: Path, stem: str) -> Path | None:
    return next((p for p in (folder / f"{stem}.txt.gz", folder / f"{stem}.txt") if p.is_file()), None)


def episode_files(
    root: str | Path, movement: str, subject: int, episode: int, correct: bool = True
) -> tuple[Path, Path]:
    """The Positions and Angles files of one episode, or a UserError saying what is there instead."""
    root = Path(root)
    folder = _kinect_dir(root, correct)
    suffix = FOLDERS[correct][1]
    stem = f"{movement}_s{subject:02d}_e{episode:02d}"
    positions = _find(folder / "Positions", f"{stem}_positions{suffix}")
    angles = _find(folder / "Angles", f"{stem}_angles{suffix}")
    if positions is not None and angles is not None:
        return positions, angles
    present = [re.match(r"(m\d+)_s(\d+)_e(\d+)", p.name) for p in (folder / "Positions").iterdir()]
    present = [m.groups() for m in present if m]
    movements = sorted({m for m, _, _ in present})
    if movement not in movements:
        raise UserError(f"Unknown UI-PRMD movement {movement!r}.", f"This copy has {', '.join(movements)}.")
    subjects = sorted({int(s) for m, s, _ in present if m == movement})
    if subject not in subjects:
        raise UserError(
            f"No subject {subject} for {movement}.", f"Subjects present: {', '.join(map(str, subjects))}."
        )
    episodes = sorted({int(e) for m, s, e in present if m == movement and int(s) == subject})
    raise UserError(
        f"Episode {episode} of {movement} subject {subject} ({'correct' if correct else 'incorrect'}) is "
        "missing its positions or angles file.",
        f"Episodes present: {', '.join(map(str, episodes))}.",
    )


def read_tables(positions: Path, angles: Path) -> tuple[np.ndarray, np.ndarray]:
    """One episode's offsets [T, 22, 3] in metres and Euler angles [T, 22, 3] in degrees, as stored."""
    offsets, eulers = _read_table(positions), _read_table(angles)
    if len(offsets) != len(eulers) or len(offsets) == 0:
        raise UserError(
            f"{positions.name} has {len(offsets)} frames but {angles.name} has {len(eulers)}.",
            "The two files of an episode must come from the same recording.",
        )
    return offsets / 100.0, eulers


def read_episode(positions: Path, angles: Path) -> tuple[np.ndarray, np.ndarray]:
    """Absolute joints [T, 22, 3] in metres (room frame, y up) and joint frames [T, 22, 3, 3]."""
    return forward_kinematics(*read_tables(positions, angles))


def to_blazepose(joints: np.ndarray, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BlazePose-shaped room landmarks [T, 33, 3] and outward normals [T, 33, 3] from Kinect joints.

    Hands and fingers without a Kinect joint sit on the wrist here (callers blank them); heels sit
    below and behind the ankle in the ankle's frame; the face is laid around the head joint, facing
    where the shoulders face. Normals only steer the camera's visibility, so they are rough."""
    t = len(joints)
    pos = np.zeros((t, N_LANDMARKS, 3))
    nrm = np.zeros((t, N_LANDMARKS, 3))
    up_world = np.array([0.0, 1.0, 0.0])
    left = _unit(joints[:, J["left_shoulder"]] - joints[:, J["right_shoulder"]])
    pelvis_left = _unit(joints[:, J["left_hip"]] - joints[:, J["right_hip"]])
    pelvis_fwd = _unit(np.cross(pelvis_left, up_world))
    head_up = _unit(joints[:, J["head"]] - joints[:, J["head_base"]])
    head_left = _unit(left - (left * head_up).sum(-1, keepdims=True) * head_up)
    head_fwd = np.cross(head_left, head_up)
    trunk_fwd = _unit(np.cross(left, up_world))

    for kinect, name in KINECT_TO_BLAZEPOSE.items():
        pos[:, INDEX[name]] = joints[:, J[kinect]]
    for name, (lat, up, fwd) in FACE_OFFSETS.items():
        pos[:, INDEX[name]] = joints[:, J["head"]] + lat * head_left + up * head_up + fwd * head_fwd
        nrm[:, INDEX[name]] = head_fwd
    for side, sign in (("left", 1.0), ("right", -1.0)):
        lateral, pelvis_lateral = sign * left, sign * pelvis_left
        for name in ("shoulder", "elbow", "wrist", "pinky", "index", "thumb"):
            nrm[:, INDEX[f"{side}_{name}"]] = lateral + (0.4 * trunk_fwd if name == "shoulder" else 0.0)
        for name in ("pinky", "index", "thumb"):
            pos[:, INDEX[f"{side}_{name}"]] = joints[:, J[f"{side}_wrist"]]
        nrm[:, INDEX[f"{side}_ear"]] = lateral + 0.3 * head_fwd
        nrm[:, INDEX[f"{side}_hip"]] = pelvis_lateral + 0.3 * pelvis_fwd
        nrm[:, INDEX[f"{side}_knee"]] = pelvis_lateral + 0.5 * pelvis_fwd
        nrm[:, INDEX[f"{side}_ankle"]] = pelvis_lateral
        ankle = joints[:, J[f"{side}_ankle"]]
        pos[:, INDEX[f"{side}_heel"]] = ankle + frames[:, J[f"{side}_ankle"]] @ HEEL_OFFSET
        foot = _unit(joints[:, J[f"{side}_foot"]] - pos[:, INDEX[f"{side}_heel"]])
        nrm[:, INDEX[f"{side}_heel"]] = -foot
        nrm[:, INDEX[f"{side}_foot_index"]] = foot
    return pos, _unit(nrm)


def facing(joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The person's (forward, left) horizontal unit vectors over the whole sequence.

    From the hip and shoulder lines together: on some subjects Kinect turns the two 10-25° apart, and a
    camera squared to the hips alone then sees the shoulders half from the front. Medians over frames,
    because the pelvis turns with a lifted leg."""
    lines = [joints[:, J[f"left_{j}"]] - joints[:, J[f"right_{j}"]] for j in ("hip", "shoulder")]
    left = sum(np.median(_unit(line * np.array([1.0, 0.0, 1.0])), axis=0) for line in lines)
    left = left / np.linalg.norm(left)
    return np.cross(left, [0.0, 1.0, 0.0]), left


def camera_direction(joints: np.ndarray, view: str) -> np.ndarray:
    """Room direction from the person to the camera for a view."""
    forward, left = facing(joints)
    return {"front": forward, "back": -forward, "left_side": left, "right_side": -left}[view]


def moving_leg(joints: np.ndarray) -> str:
    """The side whose ankle rises further off its lowest height (the working leg of a one-leg movement)."""
    rise = {
        s: np.percentile(joints[:, J[f"{s}_ankle"], 1], 98) - joints[:, J[f"{s}_ankle"], 1].min()
        for s in ("left", "right")
    }
    return max(rise, key=rise.get)


def load_uiprmd(
    root: str | Path,
    movement: str = "m02",
    subject: int = 1,
    correct: bool = True,
    episodes=range(1, 11),
    view: str = "right_side",
    *,
    noise: float = 0.0,
    dropout: float = 0.0,
    frame_size: tuple[int, int] = (1280, 720),
    seed: int = 0,
) -> PoseTrack:
    """Episodes of one subject's movement, back to back at 30 Hz, filmed by a virtual camera from `view`.

    The camera stands at 0.9 m lens height along the person's facing direction (front/back) or hip line
    (sides) and frames the whole sequence. meta holds movement, subject, correct, episodes, the start
    time and frame of each episode and the moving leg. noise/dropout as in `synthetic.camera.render`."""
    if view not in VIEWS:
        raise UserError(f"Unknown view {view!r}.", f"Choose one of {', '.join(VIEWS)}.")
    episodes = [int(e) for e in episodes]
    if not episodes:
        raise UserError("No episodes asked for.", "Pass e.g. episodes=range(1, 11).")
    joints, frames, starts = [], [], []
    for e in episodes:
        pos, rot = read_episode(*episode_files(root, movement, subject, e, correct))
        starts.append(sum(len(p) for p in joints))
        joints.append(pos)
        frames.append(rot)
    joints_all, frames_all = np.concatenate(joints), np.concatenate(frames)
    points, normals = to_blazepose(joints_all, frames_all)
    floor = np.percentile(points[:, [INDEX[n] for n in ("left_heel", "right_heel")], 1].min(1), 5)
    camera = frame_camera(
        points, camera_direction(joints_all, view), floor + LENS_HEIGHT, frame_size=frame_size
    )
    timestamps = np.arange(len(joints_all)) / FPS
    track = render(points, normals, camera, timestamps, noise=noise, dropout=dropout, seed=seed)
    blank = [INDEX[n] for n in NO_COUNTERPART]
    track.landmarks[:, blank, :3] = np.nan
    track.landmarks[:, blank, 3] = 0.0
    track.world[:, blank] = np.nan
    track.presence[:, blank] = 0.0
    meta = {
        "source": "UI-PRMD Kinect (Vakanski et al. 2018)",
        "movement": movement,
        "subject": subject,
        "correct": correct,
        "episodes": episodes,
        "episode_starts": [s / FPS for s in starts],
        "episode_start_frames": starts,
        "moving_leg": moving_leg(joints_all),
        "view": view,
    }
    name = f"{movement}_s{subject:02d}{'' if correct else '_inc'}"
    return replace(track, fps=FPS, model="kinect-uiprmd", source_name=name, meta=meta)
