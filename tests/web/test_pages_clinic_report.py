"""The clinic progress report: a PDF of one athlete over chosen days, with the runner's name, the
days, the screen results, per-side dose and pain, adherence and the notes; only for the linked coach."""

from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader

from hipcoach.store.models import Analysis, Screen
from tests.web.test_pages_coach import SINCE, TODAY, team  # noqa: F401 (the fixture)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_holds_the_name_the_days_the_figures_and_a_note(team):  # noqa: F811
    t = team
    with t.client.app.state.database.transaction() as db:
        analysis = Analysis(user_id=t.rita.id, kind="screen", target="single-leg-squat", status="done")
        db.add(analysis)
        db.flush()
        db.add(Screen(user_id=t.rita.id, analysis_id=analysis.id, test="single-leg-squat",
                      summary={"measure": "knee valgus (deg)", "left": 7.25, "right": 12.5,
                               "needs_work_side": "right"}))  # fmt: skip
    note = {"csrf_token": t.ann.csrf, "body": "Right knee caves in: banded squats"}
    r = t.as_(t.ann).post(f"/coach/athletes/{t.rita.id}/notes", data=note)
    assert r.status_code == 200
    page = t.as_(t.ann).get(f"/coach/athletes/{t.rita.id}").text
    assert f'action="/coach/athletes/{t.rita.id}/report.pdf"' in page

    r = t.as_(t.ann).get(f"/coach/athletes/{t.rita.id}/report.pdf",
                         params={"since": SINCE.isoformat(), "until": TODAY.isoformat()})  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = _text(r.content)
    assert "Progress report: Rita Runner" in text
    assert f"From {SINCE.isoformat()} to {TODAY.isoformat()}" in text and "Coach: Ann Coach" in text
    assert "single-leg-squat" in text and "7.2" in text and "12.5" in text
    assert "Right knee caves in: banded squats" in text and "Ann Coach:" in text

    # the fixture logged, in the window, the first due session's first item: planned sets + 1, pain 7 first
    item, sets = t.item, t.item["dose"]["sets"] + 1
    monday = dt.date.fromisoformat(t.due[0]["date"])
    monday -= dt.timedelta(days=monday.weekday())
    side = re.escape(item["dose"]["side"])
    assert re.search(rf"{monday.isoformat()} {side} {sets} {sets * 10} \d+ [\d.]+ 7\b", text), text
    # adherence: only the planned sets of the first session count (the extra set does not)
    planned_done = re.search(r"over these days: (\d+) of (\d+) planned sets done", text)
    assert planned_done and int(planned_done.group(1)) == item["dose"]["sets"], text


def test_days_outside_leave_things_out_and_strangers_are_refused(team):  # noqa: F811
    t = team
    t.as_(t.ann).post(
        f"/coach/athletes/{t.rita.id}/notes", data={"csrf_token": t.ann.csrf, "body": "today's"}
    )
    long_ago = {"since": (TODAY - dt.timedelta(days=300)).isoformat(),
                "until": (TODAY - dt.timedelta(days=200)).isoformat()}  # fmt: skip
    text = _text(t.as_(t.ann).get(f"/coach/athletes/{t.rita.id}/report.pdf", params=long_ago).content)
    assert "No sets logged in these days." in text and "No notes in these days." in text
    assert "today's" not in text
    days = {"since": SINCE.isoformat(), "until": TODAY.isoformat()}
    assert t.as_(t.bob).get(f"/coach/athletes/{t.rita.id}/report.pdf", params=days).status_code == 404
    backwards = {"since": TODAY.isoformat(), "until": SINCE.isoformat()}
    assert t.as_(t.ann).get(f"/coach/athletes/{t.rita.id}/report.pdf", params=backwards).status_code == 422
