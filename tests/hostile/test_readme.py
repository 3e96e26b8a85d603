"""The README's numbers are the corpus's numbers."""

from __future__ import annotations

import re
from pathlib import Path

from test_outputs import HIDING, NAMES
from test_pdf import HOSTILE

from corpus import LINE_BREAKS, REFUSED_TEXT, TEXT, YAML
from test_files import CONTENT
from test_privacy import IDENTITY_NUMBERS


def table() -> dict[str, int]:
    text = (Path(__file__).parent / "README.md").read_text()
    rows = re.findall(r"^\| ([^|]+?) \| (\d+) \|", text, re.M)
    return {name.strip().replace("`", ""): int(count) for name, count in rows}


def test_readme_counts_match_the_corpus() -> None:
    rows = table()
    for category, strings in TEXT.items():
        assert rows[category.replace("`", "")] == len(strings), category
    assert rows["Refused text (bidi controls, escape codes, identity numbers)"] == len(REFUSED_TEXT)
    assert rows["Hostile YAML"] == len(YAML)
    assert rows["Hostile evidence content"] == len(CONTENT)
    assert rows["Swedish identity numbers"] == len(IDENTITY_NUMBERS)
    assert rows["Line breaks in single-line fields"] == len(LINE_BREAKS)
    assert rows["Active PDFs"] == len(HOSTILE)
    assert rows["Formulas and line breaks in CSV cells"] == len(NAMES)
    assert rows["Job-summary tricks"] == len(HIDING)
    paths = 7  # test_files.test_paths_out_of_the_folder_are_refused
    assert rows["Paths and links out of the folder"] == paths
