"""Golden files: `cim validate` on each fixture repository prints exactly what is expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from cim.cli import main

from conftest import TODAY

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "rules.yml").exists())


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(("fmt", "golden"), [("json", "expected.json"), ("text", "expected.txt")])
def test_fixture_output_matches_golden(
    case: str, fmt: str, golden: str, update_golden: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = FIXTURES / case
    code = main(["validate", "--repo", str(folder), "--today", TODAY, "--format", fmt])
    out = capsys.readouterr().out
    expected_file = folder / golden
    if update_golden:
        expected_file.write_text(out, encoding="utf-8")
    assert out == expected_file.read_text(encoding="utf-8")
    assert code == (0 if case == "valid" else 1)


def test_every_case_is_covered() -> None:
    assert CASES == ["bad-scheme", "broken", "valid"]
