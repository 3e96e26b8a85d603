from __future__ import annotations

from cim.read.source import parse


def test_dates_stay_strings_and_country_codes_stay_codes() -> None:
    doc = parse("date: 2024-05-01\ncountry: NO\nflag: yes\nok: true\n", "x.yml")
    assert doc.data == {"date": "2024-05-01", "country": "NO", "flag": "yes", "ok": True}
    assert doc.problems == []


def test_duplicate_key_is_reported_with_both_lines() -> None:
    doc = parse("id: a\nname: A\nid: b\n", "p.yml")
    assert len(doc.problems) == 1
    problem = doc.problems[0]
    assert (problem.file, problem.line, problem.column) == ("p.yml", 3, 1)
    assert "duplicate key 'id'" in problem.message
    assert "first given on line 1" in problem.message


def test_duplicate_key_inside_a_list_item() -> None:
    doc = parse("entries:\n  - activity: a\n    date: 2024-01-01\n    date: 2024-01-02\n", "p.yml")
    assert [(p.line, p.column) for p in doc.problems] == [(4, 5)]


def test_syntax_error_has_line_and_advice() -> None:
    doc = parse("id: a\nname: [unclosed\nbio: x\n", "p.yml")
    assert not doc.ok
    assert len(doc.problems) == 1
    assert doc.problems[0].line >= 2
    assert "YAML syntax error" in doc.problems[0].message


def test_empty_file_is_a_problem() -> None:
    doc = parse("# only a comment\n", "p.yml")
    assert not doc.ok
    assert "empty" in doc.problems[0].message


def test_locate_walks_mappings_and_sequences() -> None:
    text = "id: a\nentries:\n  - activity: x\n    date: 2024-01-01\n  - activity: y\n"
    doc = parse(text, "p.yml")
    assert doc.locate(["entries", 1, "activity"]) == (5, 15)
    assert doc.locate(["entries", 1, "activity"], key=True) == (5, 5)
    # A missing step is reported where the walk stopped.
    assert doc.locate(["entries", 0, "missing"]) == (3, 5)
