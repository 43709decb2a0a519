"""Time segments: does splitting a real clip into 2 segments change its analysis? Prints a row per clip.

    .venv/bin/python benchmarks/bench_segments.py [--cache DIR] [--clips NAME ...] [--overlaps 1 3]

For every clip in ../shared/data/clips: the pose track of one run over the whole clip and of the clip cut
in two equal time segments (pose_segments.plan_segments, forced however short the clip), the later one
started each --overlaps seconds early and joined as `estimate_video_segments` joins them
(pose_segments.segment_spans, join_segments). Each is analysed as its exercise and compared as
benchmarks/bench_skip.py compares (status, count, sides in order, partial reps, holds within 0.1 s, each
rep's main-angle range and the clip's knee and hip flexion spans within 2 degrees). The segments run one
after another in this process, not in child processes: with the inference threads fixed (--threads, 1, as
each segment process uses) a run gives the same landmarks wherever it runs, and this is about results,
not time (bench_video_speed.py times the processes). The last lines say, per overlap, whether every clip
is unchanged and how many clips of at least 20 s are: only then may pose_segments split short clips.

4 Dec 2026 (load 5.6-7.9, one thread): counts, sides and partial reps unchanged on all 18 clips with
either overlap; unchanged in full on 13 of 18 with 1 s and 14 of 18 with 3 s, on neither clip of 20 s or
more with 1 s (hyva_ja_paha2 ranges 8.9 degrees, hyva7 2.1) and on 1 of 2 with 3 s (hyva_ja_paha2 6.2,
spans 7.9; hyva7 1.7). So SEGMENT_MIN_S stays 45 s.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from bench_skip import CLIPS, add_clip_options, clip_names, compare, exercise_for, spans, summary
from hipcoach.analysis.coach import analyse_track
from hipcoach.motion.pose import estimate_video
from hipcoach.motion.pose_segments import join_segments, plan_segments, segment_spans
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.video import probe

LONG_S = 20.0  # the clips the lowered segment minimum would split on 2 CPUs


def cached(path: Path, make) -> PoseTrack:
    if not path.exists():
        make().save(path)
    return PoseTrack.load(path)


def split_track(clip: Path, overlap: float, threads: int) -> PoseTrack:
    bounds = plan_segments(probe(clip).duration, 2, min_s=1e-3)
    tracks = [
        estimate_video(clip, start=start, end=end, threads=threads)
        for start, end in segment_spans(bounds, overlap)
    ]
    return join_segments(tracks, bounds)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_clip_options(ap, "hipcoach-bench-segments", "every run")
    ap.add_argument("--overlaps", nargs="*", type=float, default=[1.0, 3.0], help="seconds [1 3]")
    args = ap.parse_args()
    names = clip_names(args)
    print(f"{'clip':40s} {'s':>5s} {'bound s':>7s} {'overlap':>7s} {'reps':>9s} {'sides':>23s} "
          f"{'hold d':>6s} {'range d':>7s} {'span d':>6s}  same  worst rep (end s)")  # fmt: skip
    verdict = {o: [0, 0, 0, 0] for o in args.overlaps}  # same, clips, same of long ones, long ones
    for name in names:
        clip = CLIPS / name
        duration = probe(clip).duration
        full = cached(
            args.cache / f"{name}.t{args.threads}.npz",
            lambda clip=clip: estimate_video(clip, threads=args.threads),
        )
        exercise = exercise_for(name)
        a = analyse_track(full, exercise).report
        sa, ra = summary(a), spans(full)
        boundary = plan_segments(duration, 2, min_s=1e-3)[0][1]
        for overlap in args.overlaps:
            split = cached(
                args.cache / f"{name}.t{args.threads}.o{overlap:g}.npz",
                lambda clip=clip, o=overlap: split_track(clip, o, args.threads),
            )
            b = analyse_track(split, exercise).report
            sb, rb = summary(b), spans(split)
            same, hold_d, range_d, span_d = compare(sa, sb, ra, rb)
            counted = [[r for r in rep["reps"] if r["counted"]] for rep in (a, b)]
            moved = [
                (abs(x["range_deg"] - y["range_deg"]), y["end_s"])
                for x, y in zip(*counted, strict=False)
                if x["range_deg"] is not None and y["range_deg"] is not None
            ]
            worst = max(moved, default=None)
            v = verdict[overlap]
            v[0] += same
            v[1] += 1
            if duration >= LONG_S:
                v[2] += same
                v[3] += 1
            reps = f"{sa['reps']}+{sa['partial']}/{sb['reps']}+{sb['partial']}"
            sides = f"{sa['sides'] or '-'}/{sb['sides'] or '-'}"
            where = f"{worst[0]:.1f} ({worst[1]:.1f})" if worst else "-"
            print(f"{name:40s} {duration:5.1f} {boundary:7.1f} {overlap:7.1f} {reps:>9s} {sides:>23s} "
                  f"{hold_d:6.2f} {range_d:7.2f} {span_d:6.2f}  {'yes' if same else 'NO ':4s}  {where}",
                  flush=True)  # fmt: skip
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    for overlap, (same, n, same_long, n_long) in verdict.items():
        print(
            f"overlap {overlap:g} s: {same} of {n} clips unchanged; of the {n_long} clips of {LONG_S:g} s "
            f"or more, {same_long} unchanged"
        )


if __name__ == "__main__":
    main()
