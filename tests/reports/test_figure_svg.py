"""The exercise figures: well-formed, animated from the synthetic motion, safe under the CSP, repeatable."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from hipcoach.catalog import load_catalog
from hipcoach.reports import figure_motion as fm
from hipcoach.reports import figure_svg as fs

NS = "{http://www.w3.org/2000/svg}"
CATALOG = load_catalog()
IDS = list(CATALOG.exercises)
# One-sided exercises where the working leg is the one that moves; in the other two it is the standing
# (single-leg squat) or planted (single-leg bridge) leg, and the free leg is the one that travels.
WORKING_LEG_STANDS = {"single-leg-bridge", "single-leg-squat"}


def parse(exercise_id: str) -> ET.Element:
    return ET.fromstring(fs.figure_svg(exercise_id))


def by_id(root: ET.Element, id_: str) -> ET.Element:
    found = [e for e in root.iter() if e.get("id") == id_]
    assert len(found) == 1, f"{id_}: {len(found)} elements"
    return found[0]


def path_frames(root: ET.Element, id_: str) -> np.ndarray:
    """[frames, points, 2] from a path's animated 'd' values (a path that keeps still has none)."""
    path = by_id(root, id_)
    anim = path.find(f"{NS}animate")
    if anim is None:
        values = [path.get("d")] * fm.FRAMES
    else:
        assert anim.get("attributeName") == "d"
        values = anim.get("values").split(";")
        assert values[0] == path.get("d")  # without SMIL the figure shows the first frame
    frames = [
        [[float(v) for v in pair.split()] for pair in re.split(r"\s*[ML]\s*", d.strip()) if pair]
        for d in values
    ]
    return np.array(frames)


def travel(points: np.ndarray) -> float:
    """Largest distance a point gets from where it starts, in viewBox units."""
    return float(np.linalg.norm(points - points[0], axis=-1).max())


def test_every_catalogue_exercise_has_synthetic_motion():
    assert all(fm.has_figure(i) for i in IDS)


@pytest.mark.parametrize("exercise_id", IDS)
def test_figure_is_well_formed_scalable_and_described(exercise_id):
    root = parse(exercise_id)
    ex = CATALOG.exercises[exercise_id]
    assert root.tag == f"{NS}svg"
    assert root.get("viewBox") == f"0 0 {fs.WIDTH} {fs.HEIGHT}"
    assert root.find(f"{NS}title").text == f"{ex.name}: how the movement looks"
    assert ex.summary in root.find(f"{NS}desc").text
    texts = " ".join(t.text for t in root.iter(f"{NS}text"))
    assert ex.camera.height in texts and f"{ex.camera.distance_m[0]:g}-" in texts
    assert by_id(root, "floor") is not None and by_id(root, "camera") is not None
    assert len(fs.figure_svg(exercise_id)) < 60_000


@pytest.mark.parametrize("exercise_id", IDS)
def test_figure_animates_one_looping_rep(exercise_id):
    root = parse(exercise_id)
    anims = list(root.iter(f"{NS}animate"))
    assert len(anims) >= 2  # at least the working leg and its halo (a clamshell moves nothing else)
    moving = 0
    for a in anims:
        values = a.get("values").split(";")
        assert len(values) == fm.FRAMES
        assert values[0] == values[-1], "the loop must join up at rest"
        assert a.get("repeatCount") == "indefinite"
        assert re.fullmatch(r"\d+\.\d\ds", a.get("dur"))
        moving += len(set(values)) > 1
    assert moving == len(anims)  # still parts are written without an animation


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_working_leg_is_highlighted_and_moves_as_the_exercise_says(exercise_id):
    ex = CATALOG.exercises[exercise_id]
    root = parse(exercise_id)
    strokes = {side: by_id(root, f"leg-{side}").get("stroke") for side in ("left", "right")}
    legs = {side: path_frames(root, f"leg-{side}") for side in ("left", "right")}
    if ex.laterality != "per_side":
        assert strokes == {"left": fs.WORKING, "right": fs.WORKING}
        assert travel(legs["left"][:, 2]) > 5 or travel(legs["left"][:, 1]) > 5
        return
    work, other = fm.WORKING_SIDE, "left" if fm.WORKING_SIDE == "right" else "right"
    assert strokes[work] == fs.WORKING and strokes[other] != fs.WORKING
    by_id(root, f"leg-{work}-halo")  # the soft halo marks it without a legend
    knee, ankle = 1, 2  # hip, knee, ankle, then the foot
    if exercise_id in WORKING_LEG_STANDS:
        assert travel(legs[work][:, ankle]) < 1.0  # the working foot stays where it is
        assert travel(legs[other][:, ankle]) > 10
    else:
        moved = max(travel(legs[work][:, knee]), travel(legs[work][:, ankle]))
        still = max(travel(legs[other][:, knee]), travel(legs[other][:, ankle]))
        assert moved > 10 and moved > 3 * still, (moved, still)


@pytest.mark.parametrize("exercise_id", IDS)
def test_figure_has_nothing_a_strict_csp_or_an_img_would_refuse(exercise_id):
    text = fs.figure_svg(exercise_id).decode()
    root = ET.fromstring(text)
    tags = {e.tag.removeprefix(NS) for e in root.iter()}
    assert not tags & {"script", "style", "foreignObject", "image", "use", "a"}
    for e in root.iter():
        for name, value in e.attrib.items():
            assert name != "style" and not name.startswith("on"), (e.tag, name)
            assert "href" not in name, (e.tag, name)
            assert "url(" not in value and "javascript:" not in value, (e.tag, name)
    assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("exercise_id", IDS)
def test_a_band_is_drawn_only_where_the_catalogue_loops_one_round_the_legs(exercise_id):
    ex = CATALOG.exercises[exercise_id]
    bands = [e for e in parse(exercise_id).iter() if e.get("id") == "band"]
    if exercise_id not in fs.BAND_LOOPS:
        assert bands == []
        return
    segment, _ = fs.BAND_LOOPS[exercise_id]
    assert ex.load == "band"
    assert ("knee" if segment == "thigh" else "ankle") in ex.band_placement.split(".")[0].lower()
    ends = path_frames(parse(exercise_id), "band")
    stretch = np.linalg.norm(ends[:, 0] - ends[:, 1], axis=-1)
    assert stretch.max() > 1.15 * stretch.min()  # the band stretches as the legs work against it


def test_figure_is_the_same_bytes_every_time_and_in_a_fresh_interpreter():
    first = fs.render_svg(CATALOG.exercises["side-step"])
    assert fs.render_svg(CATALOG.exercises["side-step"]) == first
    src = Path(fs.__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", "import sys, hashlib; from hipcoach.reports.figure_svg import figure_svg;"
         "sys.stdout.write(hashlib.sha256(figure_svg('side-step')).hexdigest())"],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(src)},
    )  # fmt: skip
    assert out.stdout == hashlib.sha256(first.encode()).hexdigest()
    assert fs.figure_etag("side-step") == f'"{out.stdout[:32]}"'


def test_different_exercises_give_different_figures_and_etags():
    assert len({fs.figure_etag(i) for i in IDS}) == len(IDS)


def test_camera_caption_uses_the_catalogues_set_up():
    squat = fs.camera_caption(CATALOG.exercises["squat"])
    assert squat == "camera in front of you, hip height, 2.5-3.5 m away"
    assert "lie on your side" in fs.camera_caption(CATALOG.exercises["clamshell"])


def test_the_plan_puts_the_camera_on_the_side_the_catalogue_names():
    """In the corner view from above, the camera sits in front of a front-filmed person and beside a
    side-filmed one: the angle between the person's facing and the camera line says which."""
    for exercise_id, want in (("squat", "front"), ("single-leg-bridge", "side"), ("side-step", "front")):
        m = fm.motion(CATALOG.exercises[exercise_id])
        cos = float(m.facing @ m.toward_camera)
        assert (cos > 0.9) if want == "front" else (abs(cos) < 0.1), (exercise_id, cos)
