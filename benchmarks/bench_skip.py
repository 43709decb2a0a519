"""Skipping frames while the body is still: does any real clip's analysis change? Prints a row per clip.

    .venv/bin/python benchmarks/bench_skip.py [--cache DIR] [--clips NAME ...]

For every clip in ../shared/data/clips: the pose track with the model on every frame and with
`skip_still` (motion.frameskip), each analysed as its exercise; compared are the status, the count, the
sides of the counted reps in order, partial reps, each rep's hold (within 0.1 s) and range of the main
angle (within 2 degrees), and the 2nd-98th percentile span of the knee and hip flexion angles over the
whole clip (within 2 degrees). The last columns make the same comparison for the every-frame track
with the frames the skipping run left out filled by interpolation instead ("interp."): what the
interpolation alone costs; the rest of the change is the model's own state (its tracking crop and
landmark filters saw a different frame sequence). The last line says whether all clips are unchanged:
only then may `pose.SKIP_STILL_DEFAULT` be True. Every-frame tracks are cached in --cache to rerun
quickly. Both runs use --threads inference threads (1): with the count fixed, two every-frame runs give
identical landmarks (measured on clamshell_band_side_6right), while a run that chose 2 threads differs
from one that chose 1, which is noise, not skipping.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from hipcoach.analysis.coach import analyse_track
from hipcoach.motion.overlay import flexion_angles
from hipcoach.motion.pose import estimate_video, interpolate_between
from hipcoach.motion.posetrack import PoseTrack

CLIPS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clips"
EXERCISE = {
    "bridge_bilateral_side_1rep": "bilateral-bridge",
    "bridge_bilateral_side_1rep_b": "bilateral-bridge",
    "cg_banded-walk": "side-step",
    "cg_bridge": "bilateral-bridge",
    "cg_clamshell": "clamshell",
    "cg_singleLegHip": "single-leg-bridge",
    "clamshell_band_side_6right": "clamshell",
    "single_leg_bridge_side_1rep": "single-leg-bridge",
    "single_leg_squat_front": "single-leg-squat",  # every hyva* clip
    "single_leg_stance": "standing-band-hip-abduction",  # a balance: no reps expected; angles compared
}
RANGE_DEG, HOLD_S = 2.0, 0.1


def exercise_for(name: str) -> str:
    stem = Path(name).stem
    return EXERCISE.get(stem) or next(v for k, v in EXERCISE.items() if stem.startswith(k))


def summary(report: dict) -> dict:
    counted = [r for r in report["reps"] if r["counted"]]
    return {
        "status": report["status"],
        "reps": report["summary"]["reps_total"] if report["status"] == "ok" else 0,
        "partial": report["summary"]["partial_reps"] if report["status"] == "ok" else 0,
        "sides": "".join(r["side"][0].upper() for r in counted),
        "holds": [r["hold_s"] for r in counted],
        "ranges": [r["range_deg"] for r in counted],
    }


def spans(track: PoseTrack) -> dict[str, float]:
    out = {}
    for joint, a in flexion_angles(track.pixels()).items():
        a = a[~np.isnan(a)]
        if len(a) > 10:
            out[joint] = float(np.percentile(a, 98) - np.percentile(a, 2))
    return out


def worst(a: list, b: list) -> float:
    pairs = [(x, y) for x, y in zip(a, b, strict=False) if x is not None and y is not None]
    return max((abs(x - y) for x, y in pairs), default=0.0)


def interpolated_over(full: PoseTrack, inferred: list[int]) -> PoseTrack:
    """The every-frame track with only the `inferred` frames kept and the rest interpolated."""
    arrays = [a.copy() for a in (full.landmarks, full.presence, full.world)]
    for a in arrays:
        interpolate_between(a, np.asarray(inferred))
    return replace(full, landmarks=arrays[0], presence=arrays[1], world=arrays[2])


def compare(a: dict, b: dict, sa: dict, sb: dict) -> tuple[bool, float, float, float]:
    """(unchanged, worst hold change s, worst rep range change deg, worst span change deg)."""
    hold_d, range_d = worst(a["holds"], b["holds"]), worst(a["ranges"], b["ranges"])
    span_d = max((abs(sa[k] - sb[k]) for k in sa.keys() & sb.keys()), default=0.0)
    same = (
        (a["status"], a["reps"], a["partial"], a["sides"])
        == (b["status"], b["reps"], b["partial"], b["sides"])
        and len(a["holds"]) == len(b["holds"])
        and hold_d <= HOLD_S
        and range_d <= RANGE_DEG
        and span_d <= RANGE_DEG
        and sa.keys() == sb.keys()
    )
    return same, hold_d, range_d, span_d


def add_clip_options(ap: argparse.ArgumentParser, cache_name: str, runs: str) -> None:
    """The options of a benchmark over the real clips (this one and bench_segments): where their pose
    tracks are kept, which clips, and the inference threads of `runs`."""
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / cache_name)
    ap.add_argument("--clips", nargs="*", help="clip names [every clip]")
    ap.add_argument("--threads", type=int, default=1, help=f"inference threads of {runs} [1]")


def clip_names(args: argparse.Namespace) -> list[str]:
    """The clips to run (every real clip unless named), with the cache folder made and the machine's
    load printed, as each such benchmark starts."""
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    return args.clips or sorted(p.name for p in CLIPS.glob("*.mp4"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_clip_options(ap, "hipcoach-bench-skip", "both runs")
    args = ap.parse_args()
    names = clip_names(args)
    print(f"{'clip':40s} {'exercise':28s} {'model on':>8s} {'reps':>9s} {'sides':>13s} "
          f"{'hold d':>6s} {'range d':>7s} {'span d':>6s}  same | interp.: reps range d span d "
          "same")  # fmt: skip
    all_same, model_runs, frames, t_full, t_skip = True, 0, 0, 0.0, 0.0
    for name in names:
        cached = args.cache / f"{name}.t{args.threads}.npz"
        if cached.exists():
            full = PoseTrack.load(cached)
        else:
            t = time.perf_counter()
            full = estimate_video(CLIPS / name, skip_still=False, threads=args.threads)
            t_full += time.perf_counter() - t
            full.save(cached)
        t = time.perf_counter()
        inferred: list[int] = []
        skip = estimate_video(CLIPS / name, skip_still=True, inferred=inferred, threads=args.threads)
        t_skip += time.perf_counter() - t
        share = skip.meta["inferred_share"]
        model_runs += len(inferred)
        frames += skip.n_frames
        exercise = exercise_for(name)
        interp = interpolated_over(full, inferred)
        a, b, c = (summary(analyse_track(x, exercise).report) for x in (full, skip, interp))
        sa, sb, sc = spans(full), spans(skip), spans(interp)
        same, hold_d, range_d, span_d = compare(a, b, sa, sb)
        same_i, _hold_i, range_i, span_i = compare(a, c, sa, sc)
        all_same &= same
        reps = f"{a['reps']}+{a['partial']}/{b['reps']}+{b['partial']}"
        sides = f"{a['sides'] or '-'}/{b['sides'] or '-'}"
        print(f"{name:40s} {exercise:28s} {share:8.0%} {reps:>9s} {sides:>13s} {hold_d:6.2f} "
              f"{range_d:7.2f} {span_d:6.2f}  {'yes' if same else 'NO ':4s} "
              f"{c['reps']}+{c['partial']} {range_i:7.2f} {span_i:6.2f}  "
              f"{'yes' if same_i else 'NO'}")  # fmt: skip
    print(
        f"model run on {model_runs} of {frames} frames ({model_runs / max(frames, 1):.0%}); "
        f"time with skipping {t_skip:.0f} s"
        + (f", every frame {t_full:.0f} s" if t_full else " (every-frame tracks cached)")
    )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    print(f"ALL CLIPS UNCHANGED: {'yes' if all_same else 'no'} (reps as every-frame/skipping)")


if __name__ == "__main__":
    main()
