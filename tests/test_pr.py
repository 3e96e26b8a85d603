"""Pull requests on a real temporary git repository: `cim diff` and the ownership decision."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cim.cli import main
from cim.github.ownership import Change, decide

from conftest import ROOT, TODAY, git, pull_request_repository

ANNA, ERIK, NEWCOMER, ADMIN = 910000001, 910000002, 910000555, 910000900
STATUS = {"A": "added", "M": "modified", "D": "removed", "R": "renamed", "T": "changed"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return pull_request_repository(tmp_path)


def commit(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def api_files(repo: Path) -> list[dict[str, Any]]:
    """The pull request's file list as the GitHub API gives it."""
    out = git(repo, "diff", "--name-status", "-M", "main", "pr")
    files = []
    for line in out.splitlines():
        status, *paths = line.split("\t")
        entry: dict[str, Any] = {"filename": paths[-1], "status": STATUS[status[0]]}
        if status[0] == "R":
            entry["previous_filename"] = paths[0]
        files.append(entry)
    return files


def ownership(repo: Path, author: int, *, drop: int = 0, pages: int = 1) -> tuple[int, str]:
    import contextlib
    import io

    files = api_files(repo)
    pr = {
        "user": {"id": author},
        "changed_files": len(files),
        "head": {"sha": git(repo, "rev-parse", "pr").strip()},
    }
    kept = files[: len(files) - drop]
    (repo.parent / "pr.json").write_text(json.dumps(pr))
    size = max(1, -(-len(kept) // pages))
    chunks = [kept[i : i + size] for i in range(0, len(kept), size)] or [[]]
    (repo.parent / "files.json").write_text("".join(json.dumps(c) for c in chunks))
    git(repo, "checkout", "-q", "main")  # the privileged check runs on the base branch
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = main(
                [
                    "ownership",
                    "--repo",
                    str(repo),
                    "--pr",
                    str(repo.parent / "pr.json"),
                    "--files",
                    str(repo.parent / "files.json"),
                ]
            )
    finally:
        git(repo, "checkout", "-q", "pr")
    return code, out.getvalue()


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


def test_own_folder_is_allowed(repo: Path) -> None:
    edit(
        repo / "portfolios/anna-lind/portfolio.yml",
        "soft spot for paediatrics",
        "soft spot for children's nursing",
    )
    (repo / "portfolios/anna-lind/evidence/new.pdf").write_bytes(b"%PDF-1.4\n")
    commit(repo)
    code, out = ownership(repo, ANNA, pages=2)
    assert code == 0, out
    assert "Allowed: the changes stay within anna-lind." in out


def test_another_students_folder_is_rejected(repo: Path) -> None:
    edit(repo / "portfolios/erik-johansson/portfolio.yml", "Five points", "Fifty points")
    commit(repo)
    code, out = ownership(repo, ANNA)
    assert code == 1
    assert "belongs to another student's portfolio (erik-johansson)" in out
    assert "::error title=Ownership::" in out


def test_claiming_a_folder_by_rewriting_its_owner_is_rejected(repo: Path) -> None:
    edit(
        repo / "portfolios/erik-johansson/portfolio.yml", f"github_id: {ERIK}", f"github_id: {ANNA}"
    )
    commit(repo)
    code, out = ownership(repo, ANNA)
    assert code == 1 and "another student's portfolio (erik-johansson)" in out


@pytest.mark.parametrize(
    "path",
    [
        "rules.yml",
        "activities.yml",
        "awards.yml",
        "assessments.yml",
        "issuer.yml",
        "mkdocs.yml",
        ".github/workflows/deploy.yml",
        "generator/cim/points.py",
        "site_theme/main.html",
        ".github/cim-admins.yml",
    ],
)
def test_files_outside_portfolios_are_rejected(repo: Path, path: str) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text((target.read_text() if target.exists() else "") + "\n# changed\n")
    commit(repo)
    code, out = ownership(repo, ANNA)
    assert code == 1 and f"{path} is outside portfolios/" in out


def test_rename_counts_on_both_sides(repo: Path) -> None:
    src = repo / "portfolios/anna-lind/evidence/guest-lectures.jpg"
    src.rename(repo / "portfolios/erik-johansson/evidence/guest-lectures.jpg")
    commit(repo)
    code, out = ownership(repo, ANNA)
    assert code == 1 and "erik-johansson" in out
    git(repo, "reset", "-q", "--hard", "main")
    (repo / "portfolios/erik-johansson/evidence/ecswr-attendance.pdf").rename(
        repo / "portfolios/anna-lind/evidence/ecswr-attendance.pdf"
    )
    commit(repo)
    code, out = ownership(repo, ANNA)
    assert code == 1 and "portfolios/erik-johansson/evidence/ecswr-attendance.pdf belongs" in out


def test_a_symlink_is_rejected(repo: Path) -> None:
    (repo / "portfolios/anna-lind/evidence/passwd.jpg").symlink_to("/etc/passwd")
    commit(repo)
    code, out = ownership(repo, ANNA)
    assert code == 1 and "is a symbolic link" in out


def new_portfolio(repo: Path, pid: str, owner: int) -> None:
    folder = repo / "portfolios" / pid
    folder.mkdir()
    (folder / "portfolio.yml").write_text(
        f"id: {pid}\nname: New Student\ngithub_id: {owner}\nprogramme: nursing\n"
        "studies: {start: 2026-08-24, end: 2029-06-08}\nentries: []\n"
    )
    commit(repo)


def test_a_new_folder_only_for_oneself(repo: Path) -> None:
    new_portfolio(repo, "new-student", NEWCOMER)
    assert ownership(repo, NEWCOMER)[0] == 0
    code, out = ownership(repo, 910000777)
    assert code == 1 and "you may create a portfolio only for yourself" in out


def test_a_second_portfolio_is_rejected(repo: Path) -> None:
    new_portfolio(repo, "anna-again", ANNA)
    code, out = ownership(repo, ANNA)
    assert code == 1 and "you already have portfolios/anna-lind/" in out


def test_an_incomplete_file_list_fails_closed(repo: Path) -> None:
    edit(repo / "portfolios/anna-lind/portfolio.yml", "paediatrics", "children")
    (repo / "rules.yml").write_text((repo / "rules.yml").read_text() + "\n")
    commit(repo)
    code, out = ownership(repo, ANNA, drop=1)
    assert code == 1 and "the list of changed files is incomplete (1 listed, 2 reported)" in out


def test_administrators_are_exempt(repo: Path) -> None:
    (repo / "rules.yml").write_text((repo / "rules.yml").read_text() + "\n# new rule\n")
    commit(repo)
    code, out = ownership(repo, ADMIN)
    assert code == 0, out
    assert "Allowed" in out


@pytest.mark.parametrize(
    "hostile",
    [
        "place: 2025-02-29\n",  # valid for the validator, an impossible date to plain PyYAML
        "x: " + "[" * 200 + "]" * 200 + "\n",  # deeper than any stack-safe reader allows
        "x: !!int xyz\n",
        "x: !!float xyz\n",
        "x: " + "9" * 5000 + "\n",
        "github_id: 910000002\n",  # a second github_id: the file names no owner
    ],
)
def test_one_merged_portfolio_never_stops_the_ownership_check(repo: Path, hostile: str) -> None:
    """A portfolio merged on the base branch, however odd, must not crash the privileged check
    for every later pull request (administrators' included)."""
    git(repo, "checkout", "-q", "main")
    erik = repo / "portfolios/erik-johansson/portfolio.yml"
    erik.write_text(erik.read_text() + hostile)
    commit(repo, "merged earlier")
    git(repo, "checkout", "-q", "-B", "pr")
    edit(repo / "portfolios/anna-lind/portfolio.yml", "paediatrics", "children")
    commit(repo)
    code, out = ownership(repo, ANNA)
    assert code == 0, out
    assert "Allowed: the changes stay within anna-lind." in out
    (repo / "rules.yml").write_text((repo / "rules.yml").read_text() + "\n# new rule\n")
    commit(repo)
    assert ownership(repo, ADMIN)[0] == 0
    edit(erik, "Erik", "Erika")
    commit(repo)
    code, out = ownership(repo, ANNA)
    assert code == 1 and "erik-johansson" in out, out


def test_decision_function_directly() -> None:
    owners = {"anna-lind": ANNA, "erik-johansson": ERIK, "orphan": None}
    ok = decide(
        [Change("portfolios/anna-lind/portfolio.yml")],
        author_id=ANNA,
        expected_count=1,
        base_owners=owners,
        new_owners={},
    )
    assert ok.allowed and ok.portfolios == ["anna-lind"]
    for change, why in [
        (Change("portfolios/orphan/portfolio.yml"), "names no owner"),
        (Change("portfolios/../rules.yml"), "outside portfolios/"),
        (Change("portfolios/anna-lind/x", mode="160000"), "is a submodule"),
        (Change("README.md"), "outside portfolios/"),
    ]:
        d = decide([change], author_id=ANNA, expected_count=1, base_owners=owners, new_owners={})
        assert not d.allowed and why in " ".join(d.reasons), (change, d.reasons)
    none = decide([], author_id=ANNA, expected_count=0, base_owners=owners, new_owners={})
    assert not none.allowed


# --- cim diff -------------------------------------------------------------------------------


def run_diff(repo: Path, capsys: pytest.CaptureFixture[str], fmt: str = "markdown") -> str:
    assert main(["diff", "main", "pr", "--repo", str(repo), "--format", fmt, "--today", TODAY]) == 0
    return capsys.readouterr().out


def test_diff_shows_points_before_and_after(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    erik = repo / "portfolios/erik-johansson/portfolio.yml"
    erik.write_text(
        erik.read_text()
        + (
            "  - activity: international-day\n    date: 2025-11-05\n    reflection: >-\n"
            + "      "
            + "I presented my placement and learned a lot from the questions asked. " * 4
            + "\n    evidence:\n      - file: evidence/coil-certificate.pdf\n        kind: photo\n"
            "  - activity: own-choice\n    title: Interpreting at a refugee health fair\n"
            "    category: engagement\n    aims: [intercultural]\n    claim: 12\n"
            "    date: 2025-10-01\n    reflection: >-\n"
            + "      "
            + "Interpreting for families at a health fair taught me a great deal. " * 15
            + "\n    evidence:\n      - file: evidence/coil-certificate.pdf\n        kind: other\n"
        )
    )
    commit(repo)
    md = run_diff(repo, capsys)
    assert "### erik-johansson: 95 → 112 — requirements met" in md
    assert "- added: International Day at JU (2025-11-05) — +5 points" in md
    assert "Needs the reviewer's judgement" in md
    assert "Interpreting at a refugee health fair (2025-10-01): claims 12, counted 12" in md
    data = json.loads(run_diff(repo, capsys, "json"))
    assert [p["id"] for p in data["portfolios"]] == ["erik-johansson"]


def test_diff_of_removed_entries_and_rule_changes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = repo / "rules.yml"
    rules.write_text(rules.read_text().replace("    threshold: 100\n", "    threshold: 110\n", 1))
    commit(repo)
    text = run_diff(repo, capsys, "text")
    assert "administrator files changed: rules.yml" in text
    assert "anna-lind: 105 → 105 — 5 to go" in text
    assert main(["diff", "main", "nope", "--repo", str(repo)]) == 2


def test_a_form_made_pull_request_is_decided_for_the_issue_author(
    repo: Path, tmp_path: Path
) -> None:
    import contextlib
    import io

    new = repo / "portfolios/nora-new"
    (new / "evidence").mkdir(parents=True)
    (new / "portfolio.yml").write_text(
        (ROOT / "portfolios/anna-lind/portfolio.yml")
        .read_text()
        .replace("id: anna-lind", "id: nora-new")
        .replace("github_id: 910000001", f"github_id: {NEWCOMER}")
    )
    commit(repo)
    files = api_files(repo)
    same = {"full_name": "ju-cim/cim-portfolio"}
    pr = {
        "user": {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"},
        "changed_files": len(files),
        "head": {
            "sha": git(repo, "rev-parse", "pr").strip(),
            "ref": "intake/nora-new/issue-7",
            "repo": same,
        },
        "base": {"repo": same},
    }
    issue = {"number": 7, "user": {"login": "nora", "id": NEWCOMER}}
    (tmp_path / "pr.json").write_text(json.dumps(pr))
    (tmp_path / "files.json").write_text(json.dumps(files))

    def decide_with(issue_data: dict[str, Any] | None) -> int:
        path = tmp_path / "issue.json"
        path.unlink(missing_ok=True)
        if issue_data is not None:
            path.write_text(json.dumps(issue_data))
        args = [
            "ownership",
            "--repo",
            str(repo),
            "--base",
            "main",
            "--pr",
            str(tmp_path / "pr.json"),
            "--files",
            str(tmp_path / "files.json"),
            "--intake-issue",
            str(path),
        ]
        with contextlib.redirect_stdout(io.StringIO()):
            return main(args)

    assert decide_with(issue) == 0  # decided for the student who wrote the issue
    assert decide_with(None) == 1  # without the issue: the bot owns nothing
    assert decide_with({**issue, "user": {"id": ANNA}}) == 1  # someone else's issue
    assert decide_with({**issue, "number": 8}) == 1  # not the branch's issue
    fork = {**pr, "head": {**pr["head"], "repo": {"full_name": "someone/fork"}}}
    (tmp_path / "pr.json").write_text(json.dumps(fork))
    assert decide_with(issue) == 1  # a fork's branch of that name proves nothing


def test_diff_says_why_an_entry_earns_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    erik = repo / "portfolios/erik-johansson/portfolio.yml"
    erik.write_text(
        erik.read_text()
        + "  - activity: blended-intensive-programme\n    date: 2025-11-05\n    country: DE\n"
        "    reflection: >-\n      "
        + "The programme showed me how nursing is taught in another country. " * 6
        + "\n    evidence:\n      - file: evidence/coil-certificate.pdf\n        kind: photo\n"
    )
    commit(repo)
    md = run_diff(repo, capsys)
    line = next(x for x in md.splitlines() if "Blended Intensive Programme" in x)
    assert "— +0 points (" in line and "certificate" in line.split("+0 points", 1)[1]
    text = run_diff(repo, capsys, "text")
    assert "0 points: " in text
    data = json.loads(run_diff(repo, capsys, "json"))
    assert "certificate" in data["portfolios"][0]["entries"][0]["why"]
