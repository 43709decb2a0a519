"""The published figures the hip-stability screens cite, and the thresholds that follow from them.

Why one place: every number a runner reads as evidence must be one the project verified in the primary
source (label "V" in the shared EVIDENCE.md; a test checks each `evidence_text` is on such a line).
Figures seen only in a secondary source ("V2") are kept here so the report can say they exist and
could not be verified, but they never drive a judgement and are never printed as fact.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    claim: str  # plain words, as the report prints it
    source: str
    label: str  # "V" verified in the primary source, "V2" secondary source only
    evidence_text: str  # text on the EVIDENCE.md line that carries it (checked by a test)

    def cite(self) -> dict:
        return asdict(self)


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        Figure(
            "pelvic_drop_odds",
            "Each extra degree of contralateral pelvic drop went with about 80% higher odds of being an "
            "injured runner (72 injured runners against 36 uninjured; a comparison between groups, so it "
            "shows an association, not that the drop caused the injuries).",
            "Bramah et al. 2018, Am J Sports Med 46(12):3023",
            "V",
            "each +1° of CPD → 80% higher odds",
        ),
        Figure(
            "fppa_error",
            "Measuring the knee's frontal-plane projection angle from video twice gives a standard error of "
            "2.7-3.0°; a change between two sessions must exceed 7.5-8.9° to be a real change.",
            "Munro, Herrington & Carolan 2012, J Sport Rehabil 21:7",
            "V",
            "SEM 2.72–3.01°; smallest detectable difference 7.54–8.93°",
        ),
        Figure(
            "fppa_not_3d",
            "A knee that looks like it caves in on video does not match the knee's real 3D inward angle "
            "well; pelvic drop and hip adduction seen in 2D match their 3D values better.",
            "study comparing 2D and 3D frontal-plane angles (authors unverified)",
            "V",
            "2D knee valgus does **not** relate to 3D knee abduction",
        ),
        Figure(
            "cadence_typical",
            "Uninjured recreational male runners took about 171 ± 8 steps per minute.",
            "PMC6044588, Table 2",
            "V",
            "**171 ± 8 steps/min**",
        ),
        Figure(
            "cadence_increase",
            "Raising the step rate by 5% lowered the energy the knee absorbs; by 10% it also lowered the "
            "peak hip adduction angle and the hip's loading (45 recreational runners).",
            "Heiderscheit et al. 2011, Med Sci Sports Exerc 43(2):296",
            "V",
            "**+5%** step rate → less knee energy absorption",
        ),
        Figure(
            "fppa_norms",
            "Published single-leg-squat values for people with and without kneecap pain exist, but the "
            "project could read them only in a secondary source, so this screen does not compare you "
            "with them.",
            "attributed to Herrington 2014 (The Knee); not verified",
            "V2",
            "controls **8.4 ± 5.1°** vs PFP **16.8 ± 5.4°**",
        ),
    )
}

# Munro 2012 (V): a change in FPPA between two screens must exceed this to count as real.
FPPA_SDD_DEG = (7.54, 8.93)
FPPA_SEM_DEG = (2.72, 3.01)
# Bramah 2018 (V): odds of being an injured runner rise by this factor per extra degree of pelvic drop.
CPD_ODDS_PER_DEG = 1.80
CADENCE_TYPICAL = (171.0, 8.0)  # steps/min, mean ± SD, uninjured recreational men (V)

# This screen's own limits, not literature: the pelvic-drop error against motion capture at 60 fps that
# the tests hold with realistic keypoint noise (tests/analysis/test_screen_running.py), and a phone
# tilted by 1° shifts left and right 2° apart. Differences smaller than this are not called.
PELVIC_DROP_RESOLUTION_DEG = 2.0
# Left/right FPPA differences are judged against the measurement's standard error: two single
# measurements differ by more than 1.96 * sqrt(2) * SEM only 5% of the time by error alone.
FPPA_SIDE_DIFFERENCE_DEG = round(1.96 * 2**0.5 * FPPA_SEM_DEG[1], 1)


def cite(*keys: str) -> list[dict]:
    """The figures behind a report, with their labels, for the JSON `evidence` list."""
    return [FIGURES[k].cite() for k in keys]


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0f}°"


def _drop(x: float | None) -> str:
    if x is None:
        return "could not be measured"
    return f"dropped by {x:.0f}°" if x >= 0.5 else "stayed level" if x > -0.5 else f"rose by {-x:.0f}°"


BRAMAH = (
    "Why it matters: in a study of injured and uninjured runners, each extra degree of pelvic drop went "
    "with about 80% higher odds of being an injured runner (Bramah 2018). That study compared groups at "
    "one time, so it does not show that the drop caused the injuries, and no cut-off for a normal drop "
    "could be verified; this screen therefore compares your two sides, and your screens over time, rather "
    "than grading one number."
)
FPPA_NORMS = (
    "Published single-leg-squat knee angles for people with and without kneecap pain exist, but the "
    "project could read them only in a secondary source and could not verify them, so your numbers are "
    "not compared with them: the judgement uses your left leg against your right and the verified "
    "measurement error (Munro 2012) instead."
)


def running_interpretation(per_side: dict, left_right: dict, cadence: float) -> str:
    """Plain words for the running screen, citing only verified figures."""
    left, right = per_side["left"], per_side["right"]
    parts = [
        f"Standing on your left foot the right side of your pelvis {_drop(left['peak_drop_mean_deg'])} at "
        f"its lowest, on average over {left['stances']} steps; standing on your right foot the left side "
        f"{_drop(right['peak_drop_mean_deg'])}, over {right['stances']} steps."
    ]
    diff = abs(left_right["difference_deg"])
    if left_right["beyond_measurement_error"]:
        side = left_right["larger_drop_standing_on"]
        parts.append(
            f"The drop was {diff:.0f}° larger when you stood on your {side} leg, more than this screen's "
            f"measurement error ({PELVIC_DROP_RESOLUTION_DEG:.0f}°): your {side} hip, which holds the pelvis "
            "up on that side, needs more work."
        )
    else:
        parts.append(
            f"Your two sides differ by {diff:.0f}°, which this clip cannot tell apart from measurement error "
            f"(this screen's {PELVIC_DROP_RESOLUTION_DEG:.0f}°, or the step-to-step scatter: "
            f"± {2 * left_right['standard_error_deg']:.1f}°), so neither side stands out."
        )
    for side, summary in per_side.items():
        first, last = summary["trend"]["first_third_deg"], summary["trend"]["last_third_deg"]
        if first is not None and last is not None and last - first >= PELVIC_DROP_RESOLUTION_DEG:
            parts.append(
                f"On your {side} foot the drop grew by {last - first:.0f}° from the first to the last third "
                "of the clip, which can mean the hip tired as you ran."
            )
    parts.append(BRAMAH)
    if cadence == cadence:  # not NaN
        mean, sd = CADENCE_TYPICAL
        text = (
            f"Your cadence was {cadence:.0f} steps per minute; uninjured recreational male runners averaged "
            f"about {mean:.0f} ± {sd:.0f}."
        )
        if cadence < mean - sd:
            text += (
                " Raising the step rate by 5-10% lowered the load on the knee and hip in a study of 45 "
                "recreational runners (Heiderscheit 2011)."
            )
        parts.append(text)
    return "\n\n".join(parts)


RUNNING_NOTES = [
    "From behind, the camera sees the pelvis only as the line between the two hip points the pose model "
    "places; they are not the bony landmarks a clinician would mark.",
    "Keep the camera level and straight behind: a phone tilted by 1° adds 1° to one side's drop and takes "
    "1° from the other; filming 20° off to one side changed the drop by up to about 1° against motion "
    "capture.",
    "Foot contact cannot be seen from behind: stance phases are estimated from the pelvis's up-and-down "
    "movement, so their start and end times are approximate (about a tenth of a second).",
    "Against treadmill motion capture, with pose-model-like jitter, the drop per step was within about "
    f"{PELVIC_DROP_RESOLUTION_DEG:.0f}° (root mean square; 1.0-1.4° filmed at 60 frames per second, up to "
    "2.1° at 30), and cadence within 1 step per minute.",
    "Knee angles seen from behind are not reported: 2D knee valgus does not match the knee's 3D movement.",
]


def squat_interpretation(per_side: dict, left_right: dict) -> str:
    """Plain words for the single-leg-squat screen, citing only verified figures."""
    left, right = per_side["left"], per_side["right"]
    parts = [
        f"At the bottom of the squat your left knee's angle from the front was {_fmt(left['fppa_mean_deg'])} "
        f"and your right knee's {_fmt(right['fppa_mean_deg'])} (positive: the knee moves inwards of the line "
        "from hip to ankle)."
    ]
    fppa = left_right["fppa"]
    if fppa["beyond_measurement_error"]:
        parts.append(
            f"Your {fppa['more_inward']} knee moved inwards {abs(fppa['difference_deg']):.0f}° more than the "
            f"other, more than two measurements can differ by error alone ({FPPA_SIDE_DIFFERENCE_DEG:.1f}°, "
            f"from the verified standard error of {FPPA_SEM_DEG[0]}-{FPPA_SEM_DEG[1]}°, Munro 2012)."
        )
    elif fppa["difference_deg"] is not None:
        parts.append(
            f"The knees differ by {abs(fppa['difference_deg']):.0f}°, within what measurement error allows "
            f"({FPPA_SIDE_DIFFERENCE_DEG:.1f}°), so neither knee stands out."
        )
    drop = left_right["pelvic_drop"]
    if drop["beyond_measurement_error"]:
        parts.append(
            f"Standing on your {drop['larger_drop_standing_on']} leg, the other side of your pelvis dropped "
            f"{abs(drop['difference_deg']):.0f}° more than when standing on the other leg."
        )
    if left_right["needs_work_side"]:
        parts.append(f"Your {left_right['needs_work_side']} leg is the one to give more work.")
    parts.append(FPPA_NORMS)
    parts.append(
        f"At your next screen, a change in the knee angle smaller than about {FPPA_SDD_DEG[0]:.1f}-"
        f"{FPPA_SDD_DEG[1]:.1f}° is within measurement error (Munro 2012), not a real change."
    )
    return "\n\n".join(parts)


SQUAT_NOTES = [
    "At the bottom of a deep squat filmed from the front the thigh points at the camera and its direction "
    "on screen is lost; the knee angle is then taken from the nearest frame where it can be seen (within "
    "half a second), and each rep says how far from the bottom that was.",
    "Knee bend cannot be measured in a picture taken from the front: peak knee flexion comes from the pose "
    "model's rough 3D estimate.",
    "A knee that looks like it caves in on video does not match the knee's real 3D inward angle well; "
    "pelvic drop seen in 2D matches its 3D value better.",
    "Keep the camera level, at knee-to-hip height, straight in front: a tilted phone shifts the pelvis "
    "angle of one side against the other.",
]
