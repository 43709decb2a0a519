"""Camera-counted sets: a set may name the analysis that counted it (only the runner's own, finished one of
the same exercise), an analysed clip's reps go into today's session once, the session and coach pages
mark such sets with a link to the report, a live set's report has no video, and progress shows the
movement quality of those sets per side. Real app and database; the clip analyser is a stand-in that
writes a report in the upload schema (the real pipeline has its own tests)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import pytest
from fastapi.testclient import TestClient

from hipcoach.catalog import load_catalog
from hipcoach.plans.profile import parse_profile
from hipcoach.plans.programme import build_plan
from hipcoach.plans.rules import load_rules
from hipcoach.store.models import Analysis
from hipcoach.web.app import create_app
from tests.factories import profile_dict
from tests.web.conftest import PASSWORD, csrf_in, make_settings, sign_up, sign_up_on_pages

TODAY = dt.date.today()
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLAMSHELLS = {("clamshell", "left"), ("clamshell", "right")}


def _rep(index, side, range_deg, hold_s, faults=(), not_measured=(), counted=True) -> dict:
    return {
        "index": index, "side": side, "start_s": index * 2.0, "peak_s": index * 2.0 + 0.8,
        "end_s": index * 2.0 + 1.6, "range_deg": range_deg, "peak_deg": range_deg, "hold_s": hold_s,
        "up_s": 0.6, "down_s": 0.6, "counted": counted, "partial": not counted,
        "shortfall_pct": None if counted else 40.0,
        "faults": [{"code": c, "name": c.replace("_", " "), "side": side, "value": 12.0, "limit": 8.0,
                    "unit": "deg", "t_s": index * 2.0} for c in faults],
        "not_measured": [{"code": c, "name": c.replace("_", " "), "side": side, "value": None,
                          "plausible": [], "unit": "deg", "reason": "the hip was hidden", "t_s": index * 2.0}
                         for c in not_measured],
    }  # fmt: skip


# Left: three counted reps, one with a fault. Right: two counted reps the faults of which could not be
# judged (a fault not measured, none found), and one partial rep that is not counted.
REPS = [
    _rep(1, "left", 40.0, 2.0, faults=["pelvis_rolls_back"]),
    _rep(2, "left", 44.0, 1.5),
    _rep(3, "left", 48.0, 2.5),
    _rep(4, "right", 30.0, 1.0, not_measured=["pelvis_rolls_back"]),
    _rep(5, "right", 34.0, 2.0, not_measured=["pelvis_rolls_back"]),
    _rep(6, "right", 12.0, 0.0, counted=False),
]


def _fake_analyser(kind):
    def analyse(video, target, out_dir, progress):
        progress("pose", 0.5)
        summary = {"reps_total": 5, "reps_left": 3, "reps_right": 2, "partial_reps": 1, "note": "Fine."}
        report = {"schema_version": "hipcoach.analysis/1", "status": "ok",
                  "exercise": {"id": target, "name": load_catalog().exercise(target).name},
                  "reps": REPS, "summary": summary}  # fmt: skip
        (out_dir / "report.json").write_text(json.dumps(report))
        return report

    return analyse


def _profile_with_clamshells_today() -> dict:
    """A profile whose programme, begun a week ago, has clamshells on both sides today, whatever day of
    the week the tests run (the session days follow the running days, so some are tried)."""
    for size in (3, 4):
        for run in itertools.combinations(DAYS, size):
            running = {"days": list(run), "long_run_day": run[-1], "hard_days": [run[0]], "km_per_week": 30}
            profile = profile_dict(start_date=(TODAY - dt.timedelta(days=7)).isoformat(), running=running)
            plan = build_plan(parse_profile(profile), load_catalog(), load_rules())
            for s in (s for w in plan.weeks for s in w.sessions if s.date == TODAY):
                if {(i.exercise_id, i.dose.side) for i in s.items} >= CLAMSHELLS:
                    return profile
    raise AssertionError("no running days put clamshells in today's session")


@pytest.fixture
def app(tmp_path):
    with TestClient(create_app(make_settings(tmp_path), analyser_for=_fake_analyser)) as client:
        yield client.app


def _runner(app, email: str, profile: dict) -> tuple[TestClient, str, int]:
    """A runner signed in on the pages of `app` with a programme: (client, csrf token, user id)."""
    client = TestClient(app)
    csrf = sign_up_on_pages(client, email)
    headers = {"X-CSRF-Token": csrf}
    assert client.put("/api/v1/profile", json=profile, headers=headers).is_success
    made = client.post("/api/v1/programmes", json={}, headers=headers)
    assert made.status_code == 201
    client.programme_id = made.json()["id"]
    return client, csrf, made.json()["user_id"]


def _live_analysis(app, user_id: int, target="clamshell", status="done") -> int:
    """An analysis as a live camera set stores it: no video, the report from the streamed landmarks."""
    summary = {"reps_total": 5, "reps_left": 3, "reps_right": 2, "partial_reps": 1, "note": "Ok."}
    report = {"schema_version": "hipcoach.analysis/1", "status": "ok", "reps": REPS,
              "exercise": {"id": target, "name": target}, "summary": summary}  # fmt: skip
    with app.state.database.transaction() as db:
        row = Analysis(user_id=user_id, video_id=None, kind="exercise", target=target, status=status,
                       report=report if status == "done" else None)  # fmt: skip
        db.add(row)
        db.flush()
        return row.id


def _today_session(client) -> dict:
    sessions = client.get(f"/api/v1/programmes/{client.programme_id}/sessions").json()
    return next(s for s in sessions if s["date"] == TODAY.isoformat())


def _set(**over) -> dict:
    return {"client_key": "camera-set-0001", "date": TODAY.isoformat(), "exercise_id": "clamshell",
            "side": "left", "set_number": 1, "reps": 3, "hold_s": 2.0, "pain_during": 1} | over  # fmt: skip


def test_a_set_may_name_only_a_finished_analysis_of_the_runners_own_of_the_same_exercise(app):
    profile = _profile_with_clamshells_today()
    me, csrf, my_id = _runner(app, "me@example.org", profile)
    _, _, other_id = _runner(app, "other@example.org", profile)
    headers = {"X-CSRF-Token": csrf}
    theirs = _live_analysis(app, other_id)
    running = _live_analysis(app, my_id, status="running")
    bridge = _live_analysis(app, my_id, target="bilateral-bridge")
    mine = _live_analysis(app, my_id)
    refusals = ((theirs, "among your own analyses"), (running, "is running, not done"),
                (bridge, "not of 'clamshell'"), (999_999, "among your own analyses"))  # fmt: skip
    for analysis_id, says in refusals:
        r = me.post("/api/v1/set-logs", json=_set(analysis_id=analysis_id), headers=headers)
        assert r.status_code == 422 and says in r.json()["detail"], r.text
        assert "analysis_id" in r.json()["detail"]
    assert me.get(f"/api/v1/runners/{my_id}/set-logs").json() == []  # nothing was saved
    r = me.post("/api/v1/set-logs", json=_set(analysis_id=mine), headers=headers)
    assert r.status_code == 201 and r.json()["analysis_id"] == mine
    fixed = me.put(f"/api/v1/set-logs/{r.json()['id']}", json={"reps": 4, "pain_during": 2}, headers=headers)
    assert fixed.status_code == 200 and fixed.json()["analysis_id"] == mine  # a correction keeps the link
    assert [s["analysis_id"] for s in me.get(f"/api/v1/runners/{my_id}/set-logs").json()] == [mine]


def test_the_guided_set_form_carries_the_live_analysis_and_the_pages_mark_the_set(app):
    profile = _profile_with_clamshells_today()
    me, csrf, my_id = _runner(app, "me@example.org", profile)
    _, _, other_id = _runner(app, "other@example.org", profile)
    coach = sign_up(TestClient(app), "coach@example.org", "coach")
    code = coach.post("/api/v1/invitations", json={}).json()["code"]
    assert me.post("/coaches", data={"csrf_token": csrf, "code": code}).status_code == 200
    session = _today_session(me)
    uid = session["uid"]
    n = next(i for i, item in enumerate(session["items"], 1) if item["exercise_id"] == "clamshell")
    side = session["items"][n - 1]["dose"]["side"]
    mine, theirs = _live_analysis(app, my_id), _live_analysis(app, other_id)

    step = me.get(f"/sessions/{uid}/guided/{n}?reps=3&hold_s=2&analysis={mine}").text
    assert f'<input type="hidden" name="analysis_id" value="{mine}">' in step
    assert f'href="/videos/{mine}">the report</a>' in step
    form = {"csrf_token": csrf, "client_key": "guided-camera-1", "exercise_id": "clamshell", "side": side,
            "set_number": "1", "reps": "3", "hold_s": "2", "pain_during": "1"}  # fmt: skip
    refused = me.post(f"/sessions/{uid}/sets", data=form | {"analysis_id": str(theirs)})
    assert refused.status_code == 422
    assert re.search(r'data-field="analysis_id">No analysis \d+ among your own analyses', refused.text)
    assert me.get(f"/api/v1/runners/{my_id}/set-logs").json() == []
    assert me.post(f"/sessions/{uid}/sets", data=form | {"analysis_id": str(mine)}).status_code == 200
    [saved] = me.get(f"/api/v1/runners/{my_id}/set-logs").json()
    assert saved["analysis_id"] == mine
    mark = (
        f'<a class="camera-counted" href="/videos/{mine}" data-camera-counted-set="{saved["id"]}">'
        "camera-counted</a>"
    )
    assert mark in me.get(f"/sessions/{uid}/guided/{n}").text
    assert mark in me.get(f"/sessions/{uid}").text

    coach_pages = TestClient(app)
    login = csrf_in(coach_pages.get("/login").text)
    coach_pages.post("/login", data={"email": "coach@example.org", "password": PASSWORD, "csrf_token": login})
    assert mark in coach_pages.get(f"/coach/athletes/{my_id}").text
    report = coach_pages.get(f"/videos/{mine}")  # the coach opens the live set's report
    assert report.status_code == 200
    assert "Live camera set" in report.text and "no video was sent or kept" in report.text
    assert "<video" not in report.text and 'id="delete-video"' not in report.text
    assert re.search(r'id="counted-sets"><li>[^<]*, set 1: 3 reps, hold 2 s, pain 1/10</li>', report.text)
    assert coach_pages.get(f"/videos/{theirs}").status_code == 404  # not a runner of theirs

    # The runner may delete the live set's landmarks and report: the set stays logged, unlinked.
    asked = me.post(f"/videos/{mine}/delete", data={"csrf_token": csrf})
    assert "this live camera set&#39;s landmarks" in asked.text
    gone = me.post(f"/videos/{mine}/delete", data={"csrf_token": csrf, "confirm": "yes"})
    assert gone.status_code == 200 and me.get(f"/videos/{mine}").status_code == 404
    [kept] = me.get(f"/api/v1/runners/{my_id}/set-logs").json()
    assert kept["id"] == saved["id"] and kept["analysis_id"] is None


def _upload(client, csrf, target="exercise:clamshell") -> int:
    form = {"csrf_token": csrf, "target": target}
    r = client.post("/videos", data=form, files={"file": ("clams.mp4", b"\0\0\0 ftyp", "video/mp4")})
    assert r.status_code == 200 and 'data-status="done"' in r.text, r.text
    return int(r.url.path.rsplit("/", 1)[1])


def test_a_clip_adds_its_reps_per_side_to_todays_session_once(app):
    me, csrf, my_id = _runner(app, "me@example.org", _profile_with_clamshells_today())
    analysis = _upload(me, csrf)
    page = me.get(f"/videos/{analysis}").text
    assert 'id="add-to-session-form"' in page and "left 3 reps (hold 2 s), right 2 reps (hold 1.5 s)" in page
    assert me.post(f"/videos/{analysis}/add-to-session", data={"csrf_token": csrf}).status_code == 422
    assert me.get(f"/api/v1/runners/{my_id}/set-logs").json() == []  # no pain, nothing logged

    first = me.post(f"/videos/{analysis}/add-to-session", data={"csrf_token": csrf, "pain_during": "2"})
    assert first.status_code == 200 and "Added 2 sets to" in first.text
    again = me.post(f"/videos/{analysis}/add-to-session", data={"csrf_token": csrf, "pain_during": "6"})
    assert again.status_code == 200 and "Nothing more was logged" in again.text
    saved = me.get(f"/api/v1/runners/{my_id}/set-logs").json()
    session = _today_session(me)
    bands = {
        i["dose"]["side"]: i["dose"]["band"] for i in session["items"] if i["exercise_id"] == "clamshell"
    }
    got = sorted(
        (s["side"], s["reps"], s["hold_s"], s["pain_during"], s["band"], s["client_key"]) for s in saved
    )
    assert got == [
        ("left", 3, 2.0, 2, bands["left"], f"clip-{analysis}-left-1"),
        ("right", 2, 1.5, 2, bands["right"], f"clip-{analysis}-right-1"),
    ]  # fmt: skip
    assert {(s["analysis_id"], s["session_uid"], s["date"]) for s in saved} == {
        (analysis, session["uid"], TODAY.isoformat())
    }
    assert 'id="add-to-session-form"' not in me.get(f"/videos/{analysis}").text  # logged: listed instead

    # Removing a logged set does not make the clip addable again: its key is kept.
    left = next(s for s in saved if s["side"] == "left")
    assert me.delete(f"/api/v1/set-logs/{left['id']}", headers={"X-CSRF-Token": csrf}).status_code == 204
    me.post(f"/videos/{analysis}/add-to-session", data={"csrf_token": csrf, "pain_during": "2"})
    assert [s["side"] for s in me.get(f"/api/v1/runners/{my_id}/set-logs").json()] == ["right"]


def test_a_clip_of_an_exercise_today_does_not_have_says_so_and_logs_nothing(app):
    me, csrf, my_id = _runner(app, "me@example.org", _profile_with_clamshells_today())
    from hipcoach.analysis.specs import load_specs

    today = {i["exercise_id"] for i in _today_session(me)["items"]}
    other = next(e for e in load_specs() if e not in today and e in load_catalog().exercises)
    analysis = _upload(me, csrf, f"exercise:{other}")
    r = me.post(f"/videos/{analysis}/add-to-session", data={"csrf_token": csrf, "pain_during": "1"})
    assert r.status_code == 409
    name = load_catalog().exercise(other).name.lower()
    assert f'id="no-session">Today&#39;s session has no {name}: nothing was logged.' in r.text
    assert me.get(f"/api/v1/runners/{my_id}/set-logs").json() == []


def test_progress_shows_movement_quality_per_side_from_camera_counted_sets(app):
    me, csrf, my_id = _runner(app, "me@example.org", _profile_with_clamshells_today())
    assert 'id="movement-quality" class="muted">No camera-counted sets yet' in me.get("/progress").text
    analysis = _upload(me, csrf)
    me.post(f"/videos/{analysis}/add-to-session", data={"csrf_token": csrf, "pain_during": "2"})
    page = me.get("/progress").text
    rows = re.findall(
        r'<tr data-week="([-\d]+)" data-side="(\w+)"><td>[^<]+</td><td>([^<]+)</td><td>\w+</td>'
        r"<td>(\d+)</td>\s*<td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>",
        page,
    )
    monday = (TODAY - dt.timedelta(days=TODAY.weekday())).isoformat()
    name = load_catalog().exercise("clamshell").name
    assert rows == [
        (monday, "left", name, "3", "44°", "2 s", "33 % (1 of 3 reps)"),
        (monday, "right", name, "2", "32°", "1.5 s", "not measured"),
    ]
    api = me.get(f"/api/v1/runners/{my_id}/progress").json()["movement_quality"]
    assert [(q["side"], q["range_deg"], q["fault_pct"]) for q in api] == [
        ("left", 44.0, 33.0),
        ("right", 32.0, None),
    ]
