"""The live set (analysis/live.py): saved pose tracks fed frame by frame, as the browser would send them,
must give the reps per side of the upload analysis, pause where nobody (or somebody else) is in view
and count nothing there, time holds, and end with the upload report of the same track."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hipcoach.analysis import live_window
from hipcoach.analysis.coach import analyse_track
from hipcoach.analysis.live import (
    CUE_COOLDOWN_S,
    EARLY_BURST,
    EARLY_PER_S,
    MARGIN_S,
    STEP_S,
    TURN_STRIKES,
    LiveSet,
)
from hipcoach.analysis.live_rest import RestWatch
from hipcoach.errors import UserError
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.synthetic import Tempo, generate

CACHE = Path("/tmp/hipcoach-live-tracks")
CLIPS = {  # clip → (exercise, the dose's side)
    "clamshell_band_side_6right.mp4": ("clamshell", "right"),
    "single_leg_squat_front_hyva_ja_paha2.mp4": ("single-leg-squat", "both"),
    "bridge_bilateral_side_1rep.mp4": ("bilateral-bridge", "both"),
}


@pytest.fixture(scope="session")
def clip_track(data_dir, real_pose_track):
    """clip_track("clip.mp4") → its real pose track, cached under /tmp across sessions (matched to the
    clip by its hash), so only the first run pays for the pose model."""
    from hipcoach.motion.video import sha256

    def get(name: str) -> PoseTrack:
        path = CACHE / f"{name}.npz"
        digest = sha256(data_dir / "clips" / name)
        if path.exists():
            track = PoseTrack.load(path)
            if track.source_sha256 == digest:
                return track
        track = real_pose_track(name)
        CACHE.mkdir(parents=True, exist_ok=True)
        track.save(path)
        return track

    return get


def feed_all(live: LiveSet, track: PoseTrack) -> list[tuple[float, dict]]:
    """Every event with the time of the frame that caused it; finish()'s own events at the end."""
    events = []
    for i, t in enumerate(track.timestamps):
        world = track.world[i] if np.isfinite(track.world[i]).any() else None
        events += [(float(t), e) for e in live.feed(float(t), track.landmarks[i], world)]
    live.outcome = live.finish()
    end = float(track.timestamps[-1])
    return events + [(end, e) for e in live.outcome.events]


def counted(report: dict) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in report["reps"]:
        if r["counted"]:
            out[r["side"]] = out.get(r["side"], 0) + 1
    return out


def rep_counts(events) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for _, e in events:
        if e["type"] == "rep":
            out.setdefault(e["side"], []).append(e["count"])
    return out


def blank(track: PoseTrack, a: float, b: float) -> PoseTrack:
    """The track with nobody in view from a to b seconds."""
    gone = (track.timestamps >= a) & (track.timestamps < b)
    lm, world = track.landmarks.copy(), track.world.copy()
    lm[gone], world[gone] = np.nan, np.nan
    return replace(track, landmarks=lm, world=world)


def overlaps(rep: dict, a: float, b: float) -> bool:
    return rep["start_s"] < b and rep["end_s"] > a


def at_fps(track: PoseTrack, fps: float) -> PoseTrack:
    """The track's frames thinned to at most `fps` a second, as the page sends them."""
    keep, last = [], -1.0
    for i, t in enumerate(track.timestamps):
        if t - last >= 1.0 / fps - 1e-6:
            keep.append(i)
            last = t
    idx = np.asarray(keep)
    parts = {k: getattr(track, k)[idx] for k in ("landmarks", "presence", "world", "timestamps")}
    return replace(track, fps=fps, **parts)


@pytest.mark.slow
@pytest.mark.parametrize("fps", [None, 15.0])
@pytest.mark.parametrize("clip", sorted(CLIPS))
def test_live_reps_per_side_equal_the_upload_analysis(clip_track, clip, fps):
    """At the clip's own rate, and at the 15 frames/s the page sends (the offline count is of the
    whole clip at its own rate)."""
    exercise, side = CLIPS[clip]
    offline = analyse_track(clip_track(clip), exercise).report
    track = clip_track(clip) if fps is None else at_fps(clip_track(clip), fps)
    live = LiveSet(exercise, side, 10, 0.0, track.frame_size)
    events = feed_all(live, track)
    want = counted(offline)
    assert want, "the upload analysis found no reps"
    assert {s: len(c) for s, c in rep_counts(events).items()} == want
    assert all(c == list(range(1, len(c) + 1)) for c in rep_counts(events).values())  # never back
    assert live.outcome.reps_by_side == want
    assert live.outcome.track.n_frames == track.n_frames
    assert live.outcome.report == analyse_track(live.outcome.track, exercise).report
    if fps is None:
        assert live.outcome.report["summary"] == offline["summary"]
    assert events[0][1]["type"] == "framing"


@pytest.mark.slow
def test_nobody_in_view_pauses_and_nothing_is_counted_there(clip_track):
    track = clip_track("clamshell_band_side_6right.mp4")
    full = analyse_track(track, "clamshell").report
    a, b = 4.5, 8.0
    live = LiveSet("clamshell", "right", 10, 0.0, track.frame_size)
    events = feed_all(live, blank(track, a, b))
    kinds = [(t, e["type"]) for t, e in events if e["type"] in ("paused", "resumed")]
    assert [k for _, k in kinds] == ["paused", "resumed"]
    assert a <= kinds[0][0] <= a + 0.5 and b <= kinds[1][0] <= b + 0.1
    assert "Nobody" in next(e for _, e in events if e["type"] == "paused")["message"]
    outside = [r for r in full["reps"] if r["counted"] and not overlaps(r, a, b)]
    assert 0 < len(outside) < counted(full)["right"]
    assert live.outcome.reps_by_side == {"right": len(outside)}
    assert not any(a + 0.3 < t < b for t, e in events if e["type"] == "rep")


@pytest.mark.slow
def test_someone_else_picked_up_pauses_then_resumes(clip_track):
    track = clip_track("single_leg_squat_front_hyva_ja_paha2.mp4")
    full = analyse_track(track, "single-leg-squat").report
    a, b = 8.0, 9.5
    other = (track.timestamps >= a) & (track.timestamps < b)
    lm = track.landmarks.copy()
    shift = 0.35 if np.nanmean(lm[:, :, 0]) < 0.5 else -0.35
    lm[other, :, 0] += shift  # another body, elsewhere in the picture
    live = LiveSet("single-leg-squat", "both", 10, 0.0, track.frame_size)
    events = feed_all(live, replace(track, landmarks=lm))
    pauses = [(t, e) for t, e in events if e["type"] in ("paused", "resumed")]
    assert [e["type"] for _, e in pauses] == ["paused", "resumed"]
    assert pauses[0][1]["reason"] == "someone" and abs(pauses[0][0] - a) < 0.1
    assert b <= pauses[1][0] < b + 0.1  # back where the runner was
    kept = [r for r in full["reps"] if r["counted"] and not overlaps(r, a, b)]
    assert sum(live.outcome.reps_by_side.values()) == len(kept) < 10
    assert live.outcome.report["quality"][0]["code"] == "several_people"


def test_the_hold_timer_counts_to_the_prescribed_hold_once_per_rep():
    track, truth = generate("bilateral-bridge", reps=3, tempo=Tempo(up=1.0, hold=2.0, down=1.0, rest=1.0))
    live = LiveSet("bilateral-bridge", "both", 3, 1.5, track.frame_size)
    events = feed_all(live, track)
    holds = [(t, e) for t, e in events if e["type"] == "hold"]
    reached = [t for t, e in holds if e["reached"]]
    assert len(reached) == 3
    for t, rep in zip(reached, truth.reps, strict=True):
        assert rep.peak + 1.5 <= t + 0.05 and t <= rep.peak + 1.5 + 0.4  # at the target, not long after
    elapsed = [e["elapsed_s"] for _, e in holds if not e["reached"]]
    assert elapsed and max(elapsed) < 1.5 and all(e["target_s"] == 1.5 for _, e in holds)
    assert [e["type"] for _, e in events].count("set_done") == 1
    assert live.outcome.hold_s == pytest.approx(2.0, abs=0.3)
    assert live.outcome.reps_by_side == {"both": 3}


def test_set_done_when_each_side_has_its_reps_and_cues_keep_their_cooldown():
    hikes = {"hip_hikes": [0, 1, 2, 3, 4, 5]}
    track, _ = generate("side-lying-hip-abduction", reps=3, sides="both", faults=hikes)
    live = LiveSet("side-lying-hip-abduction", "both", 3, 0.0, track.frame_size)
    events = feed_all(live, track)
    order = [(e["type"], e.get("side")) for _, e in events if e["type"] in ("rep", "set_done")]
    assert order == [("rep", "left")] * 3 + [("rep", "right")] * 3 + [("set_done", None)]
    cues = [t for t, e in events if e["type"] == "cue"]
    assert cues and all(b - a >= CUE_COOLDOWN_S - 0.5 for a, b in itertools.pairwise(cues))
    assert all(e["text"] for _, e in events if e["type"] == "cue")


def test_one_side_only_is_done_at_its_target():
    track, _ = generate("side-lying-hip-abduction", reps=4, sides="right")
    live = LiveSet("side-lying-hip-abduction", "right", 4, 0.0, track.frame_size)
    events = feed_all(live, track)
    assert [e["type"] for _, e in events].count("set_done") == 1
    short = LiveSet("side-lying-hip-abduction", "both", 4, 0.0, track.frame_size)
    assert "set_done" not in [e["type"] for _, e in feed_all(short, track)]


def test_framing_says_what_to_change_until_it_passes():
    track, _ = generate("bilateral-bridge", reps=2, view="right_side")
    live = LiveSet("clamshell", "right", 5, 0.0, track.frame_size)  # a clamshell is filmed lying down
    framing = [e for _, e in feed_all(live, track) if e["type"] == "framing"]
    assert framing and not framing[0]["ok"] and framing[0]["code"] == "wrong_view"
    assert "Turn" in framing[0]["message"] and not any(f["ok"] for f in framing)
    nobody = LiveSet("clamshell", "right", 5, 0.0, (640, 360))
    events = [e for t in np.arange(0, 3, 1 / 15) for e in nobody.feed(float(t), None, None)]
    assert events[0]["type"] == "paused" and not [e for e in events if e["type"] == "rep"]
    first = next(e for e in events if e["type"] == "framing")
    assert not first["ok"] and first["code"] == "no_person"
    with pytest.raises(UserError, match="Nobody"):
        nobody.finish()


def test_turning_away_pauses_the_count_and_turning_back_resumes_it():
    lying, _ = generate("clamshell", reps=3)
    standing, _ = generate("standing-band-hip-abduction", reps=2, view="front")
    live = LiveSet("clamshell", "right", 10, 0.0, lying.frame_size)
    events, offset = [], 0.0
    for track in (lying, standing, lying):
        for i, t in enumerate(track.timestamps):
            events += [(offset + t, e) for e in live.feed(offset + t, track.landmarks[i], track.world[i])]
        offset += float(track.timestamps[-1]) + 1 / 30
    turned = [(t, e) for t, e in events if e["type"] in ("paused", "resumed")]
    assert [e["type"] for _, e in turned] == ["paused", "resumed"]
    assert turned[0][1]["reason"] == "turned" and "lying on your side" in turned[0][1]["message"]
    start, end = float(lying.timestamps[-1]), float(lying.timestamps[-1] + standing.timestamps[-1])
    late = TURN_STRIKES * STEP_S + 0.5  # the view is checked once a step and must be wrong twice running
    assert start < turned[0][0] < start + late and end < turned[1][0] < end + late
    assert live.finish().reps_by_side == {"right": 6}  # the standing abductions are not clamshells
    assert not any(start + 1 < t < end + 1 for t, e in events if e["type"] == "rep")


def test_bad_frames_get_a_clear_message():
    live = LiveSet("clamshell", "right", 5, 0.0, (640, 360))
    with pytest.raises(UserError, match="33"):
        live.feed(0.0, np.zeros((17, 3)), None)
    with pytest.raises(UserError, match="side"):
        LiveSet("clamshell", "up", 5, 0.0, (640, 360))
    with pytest.raises(UserError, match="No frames"):
        live.finish()


def soon(events, fps: float) -> list[float]:
    """How long after its end (the report's end_s) each rep's count came, in footage seconds."""
    late = [t - e["end_s"] for t, e in events if e["type"] == "rep"]
    assert late, "no rep was counted"
    return late


def after_the_whole_track(events, report: dict) -> list[float]:
    """How long after the whole track's analysis ends it (its end_s in `report`) each rep was counted:
    the k-th count of a side is the k-th counted rep of that side there."""
    ends: dict[str, list[float]] = {}
    for r in report["reps"]:
        if r["counted"]:
            ends.setdefault(r["side"], []).append(r["end_s"])
    return [t - ends[e["side"]][e["count"] - 1] for t, e in events if e["type"] == "rep"]


@pytest.mark.slow
@pytest.mark.parametrize("clip", ["clamshell_band_side_6right.mp4", "bridge_bilateral_side_1rep.mp4"])
def test_a_rep_is_counted_as_soon_as_it_is_settled_not_a_step_later(clip_track, clip):
    """At the page's 15 frames/s a rep's count comes MARGIN_S after its end, give or take a frame (the
    analysis runs when the body comes to rest and again when the rep is settled), not up to STEP_S
    later; and the counts still equal the upload analysis. Also where the knees drift slowly shut
    (clamshell rep 3), whose end moves on with each window until the next rep begins: that rep is
    counted once it has come back, measured from where the whole track's analysis ends it."""
    exercise, side = CLIPS[clip]
    track = at_fps(clip_track(clip), 15.0)
    live = LiveSet(exercise, side, 10, 0.0, track.frame_size)
    events = feed_all(live, track)
    late = soon(events, 15.0)
    assert float(np.median(late)) <= MARGIN_S + 2 / 15 + 1e-3 < STEP_S
    during = [(t, e) for t, e in events if t < float(track.timestamps[-1])]  # not those of finish()
    assert max(after_the_whole_track(during, live.outcome.report)) <= MARGIN_S + 2 / 15 + 1e-3
    assert live.outcome.reps_by_side == counted(analyse_track(track, exercise).report)


def test_a_rep_coming_back_slowly_is_counted_once_back_and_never_before():
    """A slow return is counted once the rep has come back (not only when its end is settled), and
    never before it is past halfway back: the count follows the movement, it does not run ahead."""
    track, _ = generate("clamshell", reps=4, tempo=Tempo(up=0.8, hold=0.2, down=3.0, rest=0.3), fps=15.0)
    live = LiveSet("clamshell", "right", 10, 0.0, track.frame_size)
    events = feed_all(live, track)
    report = live.outcome.report
    assert live.outcome.reps_by_side == counted(analyse_track(track, "clamshell").report) == {"right": 4}
    late = after_the_whole_track(events, report)
    assert max(late) <= MARGIN_S + 2 / 15 + 1e-3
    reps = [r for r in report["reps"] if r["counted"]]
    when = [t for t, e in events if e["type"] == "rep"]
    for t, r in zip(when, reps, strict=True):
        assert t >= r["peak_s"] + r["hold_s"] + 0.5 * r["down_s"]


@pytest.mark.parametrize(
    ("exercise", "sides"), [("clamshell", "right"), ("standing-band-hip-abduction", "both")]
)
def test_synthetic_reps_are_counted_as_soon_as_they_are_settled(exercise, sides):
    track, _ = generate(exercise, reps=4, sides=sides, fps=15.0)
    live = LiveSet(exercise, sides, 10, 0.0, track.frame_size)
    events = feed_all(live, track)
    assert max(soon(events, 15.0)) <= MARGIN_S + 2 / 15 + 1e-3
    assert live.outcome.reps_by_side == counted(analyse_track(track, exercise).report)


def test_one_window_alone_does_not_count_a_rep_the_earlier_windows_left_out():
    """The windows run often; one of them read the turn from one side to the other as a rep of the
    second side. A rep where an earlier window had already judged is counted only when the next window
    counts it too, so the live count is the upload analysis's."""
    track, _ = generate("side-lying-hip-abduction", reps=4, sides="both", fps=15.0)
    live = LiveSet("side-lying-hip-abduction", "both", 10, 0.0, track.frame_size)
    feed_all(live, track)
    assert live.outcome.reps_by_side == counted(analyse_track(track, "side-lying-hip-abduction").report)
    assert live.outcome.reps_by_side == {"left": 4, "right": 4}


def test_early_analyses_keep_to_the_sessions_budget(monkeypatch):
    """A body that jerks and stops four times a second asks for an analysis at every stop; a session
    runs at most one every STEP_S plus EARLY_PER_S early ones a second (EARLY_BURST in a row)."""
    still, _ = generate("clamshell", reps=1, fps=15.0)
    pose, world = still.landmarks[0], still.world[0]
    runs = []
    real = live_window.analyse_track
    monkeypatch.setattr(live_window, "analyse_track", lambda *a, **k: runs.append(1) or real(*a, **k))
    live, watch = LiveSet("clamshell", "right", 10, 0.0, still.frame_size), RestWatch(still.frame_size)
    seconds, asked = 20, 0
    for i in range(int(seconds * 15)):
        lm = pose.copy()
        lm[:, 0] += (0.0, 0.0, 0.04, 0.04)[i % 4]
        asked += watch.add(i / 15, lm)
        live.feed(i / 15, lm, world)
    most = seconds / STEP_S + EARLY_BURST + EARLY_PER_S * seconds
    assert asked > most  # the check asked for more than the budget
    assert seconds / STEP_S < len(runs) <= most + 1


def test_a_slow_single_leg_squat_is_counted_soon_after_each_rep_end():
    """A slow squat (its joints move at most half a torso length a second) at the page's 15 frames/s:
    a rep one window counted but had not settled, which the next window settles at an end just before
    that window's horizon, is counted then (two windows counted it), not when the next regular step
    confirms it; a rep whose window caught it at its top is looked at again when its slow return
    comes to rest; and the counts still equal the upload analysis."""
    track, _ = generate("single-leg-squat", reps=8, sides="right", fps=15.0)
    live = LiveSet("single-leg-squat", "right", 10, 0.0, track.frame_size)
    events = feed_all(live, track)
    assert live.outcome.reps_by_side == counted(analyse_track(track, "single-leg-squat").report)
    during = [(t, e) for t, e in events if t < float(track.timestamps[-1])]
    assert len(during) and max(after_the_whole_track(during, live.outcome.report)) <= MARGIN_S + 4 / 15


def test_a_slow_set_of_both_sides_counts_every_rep_of_the_upload_analysis():
    """Slow reps (2.5 s down, 2 s held, 2.5 s up) of each leg: a rep the windows saw still going, then
    ended just before the previous window's horizon, was never counted (the windows after it judged it
    late again, each alone); counted by two windows, it is counted once."""
    slow = Tempo(up=2.5, hold=2.0, down=2.5, rest=1.0)
    track, _ = generate("single-leg-squat", reps=4, sides="both", tempo=slow, view="front", fps=15.0)
    live = LiveSet("single-leg-squat", "both", 10, 0.0, track.frame_size)
    feed_all(live, track)
    want = counted(analyse_track(track, "single-leg-squat").report)
    assert want == {"left": 4, "right": 4} and live.outcome.reps_by_side == want


def test_a_window_reading_a_rep_across_two_others_does_not_count_it():
    """Brisk side-lying abductions with the pelvis rolled back: two windows running read a rep from the
    top of one rep to the top of the next (more than half of it shared with the reps it straddles); the
    whole track's analysis has no such rep, and the live count must not have one either."""
    brisk = Tempo(up=1.3, hold=0.5, down=1.3, rest=0.5)
    rolls = {"pelvis_rolls_back": [1, 2, 5, 6]}
    track, _ = generate("side-lying-hip-abduction", reps=4, sides="both", tempo=brisk, faults=rolls, fps=15.0)
    live = LiveSet("side-lying-hip-abduction", "both", 10, 0.0, track.frame_size)
    feed_all(live, track)
    want = counted(analyse_track(track, "side-lying-hip-abduction").report)
    assert want == {"left": 4, "right": 4} and live.outcome.reps_by_side == want
