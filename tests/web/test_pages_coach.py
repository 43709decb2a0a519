"""The coach's side of the pages: adherence on the dashboard, one athlete's page, and unlinking from
either side, with people signed in through the pages (session cookies and CSRF tokens)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from hipcoach.catalog import load_catalog
from hipcoach.web.app import create_app
from tests.factories import profile_dict
from tests.web.conftest import csrf_in, make_settings, sign_up_through_pages

TODAY = dt.date.today()
SINCE = TODAY - dt.timedelta(days=13)  # the dashboard's 14 days, today included (coaching.SIGNAL_DAYS)


@dataclass
class Person:
    name: str
    id: int
    cookies: dict
    csrf: str


class Team:
    """One app, several people; `as_(person)` makes the shared client act as that person."""

    def __init__(self, client: TestClient):
        self.client = client
        self.logged: list[tuple[str, str, int]] = []  # (exercise, side, reps) of every set logged

    def sign_up(self, name: str, role: str = "runner") -> Person:
        self.client.cookies.clear()
        email = f"{name.split()[0].lower()}@example.org"
        r = sign_up_through_pages(self.client, email, name, role)
        assert r.status_code == 200, r.text
        csrf = csrf_in(r.text)
        user_id = self.client.get("/api/v1/me").json()["id"]
        return Person(name, user_id, dict(self.client.cookies), csrf)

    def as_(self, person: Person) -> TestClient:
        self.client.cookies.clear()
        self.client.cookies.update(person.cookies)
        return self.client

    def programme(self, runner: Person, start: dt.date) -> dict:
        headers = {"X-CSRF-Token": runner.csrf}
        c = self.as_(runner)
        assert c.put(
            "/api/v1/profile", json=profile_dict(start_date=start.isoformat()), headers=headers
        ).is_success
        r = c.post("/api/v1/programmes", json={}, headers=headers)
        assert r.status_code == 201, r.text
        return r.json()

    def link(self, coach: Person, runner: Person) -> None:
        page = self.as_(coach).post("/coach/invitations", data={"csrf_token": coach.csrf}).text
        code = re.search(r'id="invitation-code">([^<]+)<', page).group(1)
        r = self.as_(runner).post("/coaches", data={"csrf_token": runner.csrf, "code": code})
        assert 'id="linked"' in r.text

    def log(self, runner: Person, session: dict, item: dict, set_number: int, pain: int = 1) -> None:
        body = {"client_key": uuid.uuid4().hex,
                "date": session["date"], "exercise_id": item["exercise_id"], "side": item["dose"]["side"],
                "set_number": set_number, "reps": 10, "pain_during": pain}  # fmt: skip
        r = self.as_(runner).post("/api/v1/set-logs", json=body, headers={"X-CSRF-Token": runner.csrf})
        assert r.is_success, r.text
        self.logged.append((item["exercise_id"], item["dose"]["side"], 10))


@pytest.fixture
def team(tmp_path):
    """Coach Ann with three linked runners: Rita (a programme that began 20 days ago, with sets logged),
    Sam (a programme starting next week) and Tom (no programme); Coach Bob is linked to nobody."""
    with TestClient(create_app(make_settings(tmp_path))) as client:
        t = Team(client)
        t.ann, t.bob = t.sign_up("Ann Coach", "coach"), t.sign_up("Bob Coach", "coach")
        t.rita, t.sam, t.tom = t.sign_up("Rita Runner"), t.sign_up("Sam Runner"), t.sign_up("Tom Runner")
        programme = t.programme(t.rita, TODAY - dt.timedelta(days=20))
        t.programme(t.sam, TODAY + dt.timedelta(days=7))
        for runner in (t.rita, t.sam, t.tom):
            t.link(t.ann, runner)
        sessions = t.as_(t.rita).get(f"/api/v1/programmes/{programme['id']}/sessions").json()
        t.plan_id = programme["plan_id"]
        t.due = [s for s in sessions if SINCE.isoformat() <= s["date"] <= TODAY.isoformat()]
        early = [s for s in sessions if s["date"] < SINCE.isoformat()]
        assert t.due and early, "the programme should have sessions before and inside the window"
        t.item = t.due[0]["items"][0]
        for n in range(1, t.item["dose"]["sets"] + 2):  # one set more than planned, and it hurt
            t.log(t.rita, t.due[0], t.item, n, pain=7 if n == 1 else 1)
        for item in early[0]["items"]:  # a session done before the window counts for nothing here
            t.log(t.rita, early[0], item, 1)
        yield t


def _cells(html: str, athlete: Person) -> list[str]:
    """The text of each cell of the athlete's row in the dashboard's athletes table."""
    row = re.search(rf'<tr data-athlete="{athlete.id}">(.*?)</tr>', html, re.S)
    assert row, f"{athlete.name} is not listed"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def _figures(html: str) -> str:
    return re.search(r"<h2>Reps per side</h2>.*?<div id=\"chart-adherence\">.*?</div>", html, re.S).group(0)


def test_the_dashboard_shows_each_athletes_adherence_over_the_window_as_the_api_does(team):
    planned = sum(i["dose"]["sets"] for s in team.due for i in s["items"])
    done = team.item["dose"]["sets"]
    assert 0 < done < planned
    page = team.as_(team.ann).get("/coach").text
    assert _cells(page, team.rita)[:4] == [
        "Rita Runner",
        str(done + 1),  # every set logged in the window
        f"{done}/{planned} ({round(100 * done / planned)}%)",
        "1",  # the set with pain 7/10
    ]
    assert _cells(page, team.sam)[2] == "nothing due yet"
    assert _cells(page, team.tom)[2] == "no programme"
    assert "Bob Coach" not in page  # a coach sees only their own athletes

    api = {a["user"]["id"]: a for a in team.client.get("/api/v1/athletes").json()}
    assert api[team.rita.id]["adherence_last_14_days"] == {
        "planned_sets": planned,
        "done_sets": done,
        "percent": round(100 * done / planned),
    }
    assert api[team.sam.id]["adherence_last_14_days"] == {"planned_sets": 0, "done_sets": 0, "percent": None}
    assert api[team.tom.id]["adherence_last_14_days"] is None


def test_the_athlete_page_shows_what_the_runner_sees_with_programme_and_videos(team):
    upload = team.as_(team.rita).post(
        "/videos",
        data={"csrf_token": team.rita.csrf, "target": "exercise:clamshell"},
        files={"file": ("clam.mp4", b"not a video", "video/mp4")},
    )
    analysis_path = upload.url.path
    runners_view = team.client.get("/progress").text

    dashboard = team.as_(team.ann).get("/coach").text
    assert f'<a href="/coach/athletes/{team.rita.id}">Rita Runner</a>' in dashboard
    r = team.client.get(f"/coach/athletes/{team.rita.id}")
    assert r.status_code == 200
    page = r.text
    assert re.search(r'<h1 id="athlete-name">Rita Runner</h1>', page)
    start = (TODAY - dt.timedelta(days=20)).strftime("%d %b %Y")
    assert f'<p id="programme-summary">Started {start}, ' in page
    assert f"Programme {team.plan_id}" not in page  # an internal id means nothing to a physio
    planned = sum(i["dose"]["sets"] for s in team.due for i in s["items"])
    done = team.item["dose"]["sets"]
    assert f"sets done against the plan: {done}/{planned} ({round(100 * done / planned)}%)" in page
    assert _figures(page) == _figures(runners_view)  # the same figures and charts, from the one include
    ex = team.item["exercise_id"]
    left, right = (
        sum(reps for e, sd, reps in team.logged if (e, sd) == (ex, side)) for side in ("left", "right")
    )
    name = load_catalog().exercise(ex).name
    assert f"<tr><td>{name}</td><td>{left}</td><td>{right}</td>" in page  # the reps Rita logged on each side
    assert f'<a href="{analysis_path}">clamshell</a>' in page
    assert team.client.get(analysis_path).status_code == 200


@pytest.mark.parametrize("who", ["bob", "rita", "ann_unknown_id"])
def test_the_athlete_page_is_refused_to_anyone_but_a_linked_coach(team, who):
    viewer = {"bob": team.bob, "rita": team.rita, "ann_unknown_id": team.ann}[who]
    athlete_id = 99999 if who == "ann_unknown_id" else team.rita.id
    r = team.as_(viewer).get(f"/coach/athletes/{athlete_id}")
    assert r.status_code == 404
    assert 'id="athlete-name"' not in r.text


def test_a_runner_stops_sharing_and_the_coach_loses_sight_of_them(team):
    coaches = team.as_(team.rita).get("/coaches").text
    assert "Stop sharing with Ann Coach" in coaches
    url = f"/coaches/{team.ann.id}/remove"
    assert team.client.post(url, data={"csrf_token": "0" * 64}).status_code == 403  # a forged form
    assert team.as_(team.ann).get(f"/coach/athletes/{team.rita.id}").status_code == 200  # still linked

    r = team.as_(team.rita).post(url, data={"csrf_token": team.rita.csrf})  # the button only asks
    assert "Stop sharing your training with Ann Coach?" in r.text and 'name="confirm" value="yes"' in r.text
    assert team.as_(team.ann).get(f"/coach/athletes/{team.rita.id}").status_code == 200  # still linked

    r = team.as_(team.rita).post(url, data={"csrf_token": team.rita.csrf, "confirm": "yes"})
    assert r.status_code == 200
    assert re.search(r'id="stopped"[^>]*>Ann Coach can no longer see your programme, logs or videos', r.text)
    assert "No coach can see your data." in r.text
    gone = team.client.post(url, data={"csrf_token": team.rita.csrf, "confirm": "yes"})
    assert gone.status_code == 404  # nothing left

    dashboard = team.as_(team.ann).get("/coach").text
    assert f'data-athlete="{team.rita.id}"' not in dashboard and "Rita Runner" not in dashboard
    assert f'data-athlete="{team.sam.id}"' in dashboard  # the other athletes stay
    assert team.client.get(f"/coach/athletes/{team.rita.id}").status_code == 404
    assert team.client.get(f"/api/v1/runners/{team.rita.id}/progress").status_code == 404


def test_a_coach_removes_an_athlete_who_then_has_no_coach(team):
    url = f"/coach/athletes/{team.rita.id}/remove"
    assert team.as_(team.bob).post(url, data={"csrf_token": team.bob.csrf}).status_code == 404  # not his
    assert (
        team.as_(team.rita)
        .post(f"/coach/athletes/{team.ann.id}/remove", data={"csrf_token": team.rita.csrf})
        .status_code
        == 404
    )  # the coach's button is not the runner's
    page = team.as_(team.ann).get(f"/coach/athletes/{team.rita.id}").text
    assert f'action="{url}"' in page and "Remove athlete" in page

    r = team.client.post(url, data={"csrf_token": team.ann.csrf})  # the button asks first, without JS
    assert "Remove Rita Runner from your athletes?" in r.text and 'name="confirm" value="yes"' in r.text
    assert team.client.get(f"/coach/athletes/{team.rita.id}").status_code == 200  # nothing happened yet

    r = team.client.post(url, data={"csrf_token": team.ann.csrf, "confirm": "yes"})
    assert r.status_code == 200
    assert re.search(r'id="removed"[^>]*>Rita Runner is no longer your athlete', r.text)
    assert f'data-athlete="{team.rita.id}"' not in r.text and f'data-athlete="{team.tom.id}"' in r.text
    assert team.client.get(f"/coach/athletes/{team.rita.id}").status_code == 404
    assert "No coach can see your data." in team.as_(team.rita).get("/coaches").text
