"""CSV exports never hand a spreadsheet a formula; numbers and ordinary text pass unchanged."""

from __future__ import annotations

import csv

import pytest

from hipcoach.reports.csv_cells import safe_cell, safe_row
from hipcoach.reports.folder import write_rows


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "- x",
    ],
)
def test_formula_starts_get_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-3.5", "+2", "-0", "clamshell", "a=b", "", 7, -1.5, None, "'=already"])
def test_numbers_and_other_text_pass_unchanged(value):
    assert safe_cell(value) == value


def test_a_row_keeps_its_keys():
    assert safe_row({"=a": "=b", "n": -1}) == {"=a": "'=b", "n": -1}


def test_reps_csv_quotes_formulas(tmp_path):
    path = write_rows([{"rep": 1, "fault": "=1+1", "angle": -12.5}], tmp_path / "reps.csv")
    (row,) = list(csv.DictReader(path.open(encoding="utf-8")))
    assert row == {"rep": "1", "fault": "'=1+1", "angle": "-12.5"}
