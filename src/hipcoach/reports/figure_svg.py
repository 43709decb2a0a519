"""An exercise card's animated figure: the package's own synthetic motion drawn as a looping SVG.

Why this way: the synthetic generators (`hipcoach.motion.synthetic`) already perform every catalogue
exercise with the proportions and joint angles the video coach is tested against, so a figure drawn from
them shows the movement the coach expects, and no third-party footage is needed. One rep (two steps, out
and back, for the side-step) is sampled at FRAMES key frames and played with SMIL <animate>, which runs
inside an <img> without JavaScript. Everything is presentation attributes (no style="", no <style>,
no <script>, no href), so it passes the pages' Content-Security-Policy, and the output depends only on
the catalogue and the generators: the same bytes every run, so its sha256 makes a stable ETag.

The drawing is an orthographic view from the camera's side of the body (the synthetic camera's view for
the catalogue's set-up), turned a little round and raised so depth shows; a small plan in the corner
shows the person and the camera from above, and a caption says where the camera goes and at what
height, in the catalogue's words. The working leg is drawn in orange over a soft halo; in a bilateral
or alternating exercise both legs work and both are orange. A band is drawn only where its two ends sit
on the body (a loop above the knees or the ankles); an anchored band's far end is somewhere in the room
the synthetic data does not know, so it is left out.
"""

from __future__ import annotations

import hashlib
from functools import cache
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from hipcoach.catalog import load_catalog
from hipcoach.catalog.models import Exercise
from hipcoach.motion.landmarks import INDEX
from hipcoach.reports.figure_motion import FRAMES, Motion, flat, motion, working_sides

WIDTH, HEIGHT = 400, 300  # viewBox; the page scales it
CAPTION_H = 34  # room under the floor for the caption
MARGIN = 14

WORKING = "#e8590c"  # the working leg
NEAR = "#2f3a4f"  # limbs nearer the camera
FAR = "#97a0b2"  # limbs further away
TRUNK_FILL = "#dfe4ec"
BAND = "#2f9e44"
FLOOR = "#868e96"
TEXT = "#343a40"

# Where a loop band sits, as a fraction of the way down a segment of each leg, for the exercises whose
# catalogue band placement is a loop around both legs (the first, easiest option when there are several).
BAND_LOOPS: dict[str, tuple[str, float]] = {
    "clamshell": ("thigh", 0.8),  # "around both thighs a few centimetres above the knees"
    "side-step": ("thigh", 0.8),  # "above the knees (easiest)"
    "standing-band-hip-abduction": ("shank", 0.85),  # "just above the ankles"
}

CAMERA_WHERE = {
    "front": "in front of you",
    "back": "behind you",
    "side": "to your side",
    "left_side": "on your left",
    "right_side": "on your right",
    "lying_front": "in front of you as you lie on your side",
}


def camera_caption(exercise: Exercise) -> str:
    """Where the camera goes, in the catalogue's words: 'camera in front of you, hip height, 2.5-3.5 m'."""
    cam = exercise.camera
    near, far = cam.distance_m
    return f"camera {CAMERA_WHERE[cam.view]}, {cam.height}, {near:g}-{far:g} m away"


def figure_alt(exercise: Exercise) -> str:
    legs = "working leg" if len(working_sides(exercise)) == 1 else "legs"
    return f"Animated stick figure doing the {exercise.name.lower()}, {legs} in orange."


def _num(v: float) -> str:
    text = f"{v:.1f}"
    return "0.0" if text == "-0.0" else text


HEAD_R = 0.06 * 1.75


class _Drawing:
    """Screen coordinates of every landmark per frame (and of room points), fitted into the viewBox."""

    def __init__(self, m: Motion):
        yaw, elev = m.turn_deg
        a, e = np.radians(yaw), np.radians(elev)
        horiz = np.cos(a) * m.toward_camera + np.sin(a) * m.turn
        back = np.cos(e) * flat(horiz) + np.sin(e) * np.array([0.0, 1.0, 0.0])  # towards the viewer
        self.right = np.cross(-back, [0.0, 1.0, 0.0])
        self.right /= np.linalg.norm(self.right)
        self.up = np.cross(self.right, -back)
        self.back = back
        pts = m.positions.reshape(-1, 3)
        lo, hi = pts.min(0), pts.max(0)
        pad = 0.25
        self.floor = np.array(
            [[x, 0.0, z] for x, z in ((lo[0] - pad, lo[2] - pad), (hi[0] + pad, lo[2] - pad),
                                      (hi[0] + pad, hi[2] + pad), (lo[0] - pad, hi[2] + pad))]
        )  # fmt: skip
        everything = np.concatenate([pts, self.floor])
        x, y = everything @ self.right, everything @ self.up
        x0, x1 = x.min() - HEAD_R, x.max() + HEAD_R
        y0, y1 = y.min(), y.max() + HEAD_R
        avail_w, avail_h = WIDTH - 2 * MARGIN, HEIGHT - CAPTION_H - 2 * MARGIN
        scale = min(avail_w / (x1 - x0), avail_h / (y1 - y0))
        self.scale = scale
        self.ox = MARGIN + (avail_w - scale * (x1 - x0)) / 2 - x0 * scale
        self.oy = MARGIN + (avail_h - scale * (y1 - y0)) / 2 + y1 * scale
        self.sx, self.sy = self.project(m.positions)
        self.depth = m.positions @ back  # larger = nearer the viewer

    def project(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.ox + (p @ self.right) * self.scale, self.oy - (p @ self.up) * self.scale

    def point(self, name_or_xy) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(name_or_xy, str):
            i = INDEX[name_or_xy]
            return self.sx[:, i], self.sy[:, i]
        return name_or_xy

    def mix(self, a: str, b: str, f: float) -> tuple[np.ndarray, np.ndarray]:
        (ax, ay), (bx, by) = self.point(a), self.point(b)
        return ax + f * (bx - ax), ay + f * (by - ay)

    def mid(self, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
        return self.mix(a, b, 0.5)

    def path_values(self, pieces: list[list]) -> list[str]:
        """One path 'd' per frame; pieces are runs of points (names or (x, y) arrays), each a subpath."""
        runs = [[self.point(p) for p in run] for run in pieces]
        out = []
        for f in range(len(self.sx)):
            d = []
            for run in runs:
                d.append(" L".join(f"{_num(px[f])} {_num(py[f])}" for px, py in run))
            out.append("M" + " M".join(d))
        return out

    def static_path(self, points: np.ndarray, close: bool = False) -> str:
        xs, ys = self.project(points)
        return (
            "M"
            + " L".join(f"{_num(x)} {_num(y)}" for x, y in zip(xs, ys, strict=True))
            + (" Z" if close else "")
        )


def _animate(attribute: str, values: list[str], dur: str) -> str:
    joined = ";".join(values)
    return f'<animate attributeName="{attribute}" dur="{dur}" repeatCount="indefinite" values="{joined}"/>'


def _animated_path(id_: str, values: list[str], dur: str, fill: str = "none", **attrs) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(str(v))}" for k, v in attrs.items())
    anim = ""
    if len(set(values)) > 1:
        anim = _animate("d", values, dur)
    return f'<path id="{id_}" d="{values[0]}" fill="{fill}"{extra}>{anim}</path>'


def _animated_circle(id_: str, xs: np.ndarray, ys: np.ndarray, r: float, dur: str, **attrs) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(str(v))}" for k, v in attrs.items())
    anims = ""
    for name, vals in (("cx", xs), ("cy", ys)):
        text = [_num(v) for v in vals]
        if len(set(text)) > 1:
            anims += _animate(name, text, dur)
    return f'<circle id="{id_}" cx="{_num(xs[0])}" cy="{_num(ys[0])}" r="{_num(r)}"{extra}>{anims}</circle>'


PLAN_R = 34  # radius of the plan inset, top left
PLAN_SCALE = 30.0  # pixels per metre in the plan


def _plan(m: Motion, dr: _Drawing) -> str:
    """A small view from above in the corner: the person (shoulders, trunk, head, nose tick) and the camera
    beyond them in its direction, turned the same way as the main drawing (down = towards the viewer)."""
    cx = cy = MARGIN + PLAN_R
    right = flat(dr.right)
    down = np.cross(right, [0.0, 1.0, 0.0])  # horizontal, towards the viewer

    def at(v: np.ndarray) -> tuple[float, float]:
        return cx + PLAN_SCALE * float(v @ right), cy + PLAN_SCALE * float(v @ down)

    p0 = m.positions[0]
    hip = 0.5 * (p0[INDEX["left_hip"]] + p0[INDEX["right_hip"]])
    centre = hip.copy()
    sh = {s: p0[INDEX[f"{s}_shoulder"]] - centre for s in ("left", "right")}
    ears = 0.5 * (p0[INDEX["left_ear"]] + p0[INDEX["right_ear"]]) - centre
    hx, hy = at(np.zeros(3))
    (lx, ly), (rx, ry) = at(sh["left"]), at(sh["right"])
    ex, ey = at(ears)
    nx, ny = at(ears + 0.16 * m.facing)
    camx, camy = at(0.9 * m.toward_camera)
    angle = np.degrees(np.arctan2(hy - camy, hx - camx))  # the lens looks at the person
    return (
        f'<g id="plan"><circle cx="{cx}" cy="{cy}" r="{PLAN_R}" fill="#f1f3f5" stroke="{FLOOR}"'
        ' stroke-width="1"/>'
        f'<path d="M{_num(hx)} {_num(hy)} L{_num(0.5 * (lx + rx))} {_num(0.5 * (ly + ry))} M{_num(lx)} '
        f'{_num(ly)} L{_num(rx)} {_num(ry)}" stroke="{NEAR}" stroke-width="2.5" stroke-linecap="round"'
        ' fill="none"/>'
        f'<path d="M{_num(ex)} {_num(ey)} L{_num(nx)} {_num(ny)}" stroke="{NEAR}" stroke-width="1.5"/>'
        f'<circle cx="{_num(ex)}" cy="{_num(ey)}" r="3" fill="#ffffff" stroke="{NEAR}" stroke-width="1.5"/>'
        f'<path d="M{_num(camx)} {_num(camy)} L{_num(hx)} {_num(hy)}" stroke="{TEXT}" stroke-width="1"'
        ' stroke-dasharray="2 2" fill="none"/>'
        f'<g id="camera" transform="translate({_num(camx)} {_num(camy)}) rotate({_num(angle)})"'
        f' fill="{TEXT}"><rect x="-5" y="-4" width="9" height="8" rx="1.5"/>'
        '<path d="M4 -2 L8 -4 L8 4 L4 2 Z"/></g></g>'
    )


def _seat(m: Motion, dr: _Drawing) -> str:
    """A plain stool under the hips of a seated exercise, drawn behind the person."""
    p0 = m.positions[0]
    hip = 0.5 * (p0[INDEX["left_hip"]] + p0[INDEX["right_hip"]])
    left = flat(p0[INDEX["left_hip"]] - p0[INDEX["right_hip"]])
    h = m.seat_height
    spots = ((0.25, -0.2), (-0.25, -0.2), (-0.25, 0.15), (0.25, 0.15))  # across, front-back in metres
    corners = [hip + u * left + v * m.facing for u, v in spots]
    top = np.array([[c[0], h, c[2]] for c in corners])
    legs = " ".join(dr.static_path(np.array([c, [c[0], 0.0, c[2]]])) for c in top)
    return (
        f'<g id="seat" stroke="{FLOOR}" stroke-width="2" fill="#e9ecef">'
        f'<path d="{legs}" fill="none"/><path d="{dr.static_path(top, close=True)}"/></g>'
    )


def render_svg(exercise: Exercise, frames: int = FRAMES) -> str:
    """The self-contained animated SVG of one exercise (raises KeyError without synthetic motion)."""
    m = motion(exercise, frames)
    dr = _Drawing(m)
    dur = f"{m.duration_s:.2f}s"
    working = working_sides(exercise)
    width = max(2.5, 0.035 * dr.scale)

    def limb(side: str, names: list[str]) -> tuple[float, list[list]]:
        depth = float(dr.depth[:, [INDEX[f"{side}_{n}"] for n in names]].mean())
        return depth, [[f"{side}_{n}" for n in names]]

    def line(id_: str, values: list[str], colour: str, thickness: float = 1.0, **attrs) -> str:
        return _animated_path(
            id_, values, dur, stroke=colour, stroke_width=_num(width * thickness),
            stroke_linecap="round", stroke_linejoin="round", **attrs,
        )  # fmt: skip

    mean_depth = float(dr.depth.mean())
    parts: list[tuple[float, str]] = []  # (depth, svg): drawn far to near
    for side in ("left", "right"):
        depth, leg = limb(side, ["hip", "knee", "ankle"])
        foot = [[f"{side}_ankle", f"{side}_heel", f"{side}_foot_index", f"{side}_ankle"]]
        values = dr.path_values(leg + foot)
        if side in working:
            halo = line(f"leg-{side}-halo", values, WORKING, 3.2, stroke_opacity="0.25")
            parts.append((depth, halo + line(f"leg-{side}", values, WORKING, 1.5)))
        else:
            parts.append((depth, line(f"leg-{side}", values, NEAR if depth >= mean_depth else FAR, 1.3)))
        depth, arm = limb(side, ["shoulder", "elbow", "wrist"])
        parts.append((depth, line(f"arm-{side}", dr.path_values(arm), NEAR if depth >= mean_depth else FAR)))
    trunk_depth = float(dr.depth[:, [INDEX[n] for n in ("left_hip", "right_hip")]].mean())
    shoulder_mid = dr.mid("left_shoulder", "right_shoulder")
    trunk = [["left_shoulder", "right_shoulder", "right_hip", "left_hip", "left_shoulder"]]
    trunk_svg = _animated_path(
        "trunk", dr.path_values(trunk), dur, stroke=NEAR, stroke_width=_num(width),
        fill=TRUNK_FILL, stroke_linejoin="round",
    )  # fmt: skip
    # The head: a circle round the ears, a nose dot that shows which way the face points, and the neck.
    ears = dr.mid("left_ear", "right_ear")
    head_r = HEAD_R * dr.scale
    neck = dr.path_values([[shoulder_mid, ears]])
    nose_x, nose_y = dr.point("nose")
    head_svg = (
        _animated_path("neck", neck, dur, stroke=NEAR, stroke_width=_num(width), stroke_linecap="round")
        + _animated_circle("head", ears[0], ears[1], head_r, dur, fill="#ffffff", stroke=NEAR,
                           stroke_width=_num(width))
        + _animated_circle("nose", nose_x, nose_y, max(1.5, 0.012 * 1.75 * dr.scale), dur, fill=NEAR)
    )  # fmt: skip
    parts.append((trunk_depth, trunk_svg + head_svg))
    if exercise.id in BAND_LOOPS and exercise.band_placement:
        segment, f = BAND_LOOPS[exercise.id]
        a, b = ("hip", "knee") if segment == "thigh" else ("knee", "ankle")
        ends = [dr.mix(f"{s}_{a}", f"{s}_{b}", f) for s in ("left", "right")]
        band = line("band", dr.path_values([ends]), BAND, 1.2)
        parts.append((float(dr.depth.max()) + 1.0, band))  # on top: it must not hide behind a leg
    body_svg = "".join(svg for _, svg in sorted(parts, key=lambda p: p[0]))

    title = f"{exercise.name}: how the movement looks"
    band_words = " The green line is the band." if exercise.id in BAND_LOOPS else ""
    legs = "The working leg is" if len(working) == 1 else "Both legs work; they are"
    desc = (
        f"{exercise.summary} A stick figure repeats one rep, drawn from a little round and above the "
        f"camera's side of the body so depth shows; the circle in the corner shows the person and the "
        f"camera from above ({camera_caption(exercise)}). {legs} drawn in orange.{band_words}"
    )
    floor = (
        f'<path id="floor" d="{dr.static_path(dr.floor, close=True)}" fill="#f8f9fa" stroke="{FLOOR}"'
        ' stroke-width="2"/>'
    )
    seat = _seat(m, dr) if m.seat_height is not None else ""
    cam = exercise.camera
    near, far = cam.distance_m
    lines = [f"camera {CAMERA_WHERE[cam.view]}, {near:g}-{far:g} m away", cam.height]
    caption = "".join(
        f'<text x="{WIDTH // 2}" y="{HEIGHT - CAPTION_H + 12 + 14 * i}" text-anchor="middle"'
        f' font-family="sans-serif" font-size="12" fill="{TEXT}">{escape(_short(line))}</text>'
        for i, line in enumerate(lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}"'
        f' height="{HEIGHT}" role="img" aria-labelledby="figure-title figure-desc">'
        f'<title id="figure-title">{escape(title)}</title><desc id="figure-desc">{escape(desc)}</desc>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
        f"{floor}{seat}{body_svg}{_plan(m, dr)}{caption}</svg>\n"
    )


def _short(text: str, limit: int = 62) -> str:
    """A caption line inside the picture stays on one line; the page's figcaption carries all of it."""
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,") + "…"


@cache
def figure_svg(exercise_id: str) -> bytes:
    """The figure as UTF-8 bytes (cached: it depends only on shipped data)."""
    return render_svg(load_catalog().exercise(exercise_id)).encode("utf-8")


@cache
def figure_etag(exercise_id: str) -> str:
    return '"' + hashlib.sha256(figure_svg(exercise_id)).hexdigest()[:32] + '"'
