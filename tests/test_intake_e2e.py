"""Intake end to end: recorded issue events → `cim intake` → a commit on a branch of a real
git repository that `cim validate` accepts, `cim diff` describes and the ownership check
allows; the reply in plain words; the forms kept in step with the rules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from cim.cli import main
from cim.github import git as gitrepo
from cim.github.ownership import Change, decide
from cim.intake import names
from cim.intake.answers import answers, sections
from cim.intake.forms import registration_form
from cim.model.layout import PORTFOLIOS_DIR
from cim.pipeline import load_scheme

from conftest import ROOT, TODAY, git
from intake_support import (
    AttachmentServer,
    Route,
    changed,
    event,
    intake,
    make_repo,
    photo,
    server,  # noqa: F401 (a fixture)
)

ASA = 5550001
OSKAR = 910000008


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def validate_branch(repo: Path, branch: str, tmp: Path) -> int:
    root = gitrepo.materialise(repo, branch, tmp / "checked")
    return main(["validate", "--deep", "--repo", str(root), "--today", TODAY])


def allowed_for(repo: Path, branch: str, author: int) -> bool:
    changes = [
        Change(path, {"A": "added", "M": "modified"}[s])
        for s, path, _ in gitrepo.changed(repo, "main", branch)
    ]
    new = {
        pid: gitrepo.owner_in(gitrepo.blob(repo, branch, f"portfolios/{pid}/portfolio.yml"))
        for pid in {c.path.split("/")[1] for c in changes}
    }
    base = gitrepo.portfolio_owners(repo, "main")
    decision = decide(
        changes,
        author_id=author,
        expected_count=len(changes),
        base_owners=base,
        new_owners={k: v for k, v in new.items() if k not in base},
    )
    return decision.allowed


def test_registration_from_the_form(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event("register-opened.json")), encoding="utf-8")
    out = tmp_path / "out"
    args = ["intake", str(path), "--repo", str(repo), "--out", str(out), "--today", TODAY]
    assert main(args) == 0
    branch = "intake/asa-oberg/issue-41"
    assert (out / "branch.txt").read_text().strip() == branch
    assert changed(repo, branch) == [
        "portfolios/asa-oberg/evidence/.gitkeep",
        "portfolios/asa-oberg/portfolio.yml",
    ]
    data = yaml.safe_load(git(repo, "show", f"{branch}:portfolios/asa-oberg/portfolio.yml"))
    assert data["name"] == "Åsa Öberg" and data["github"] == "asa-oberg-ot"
    assert data["github_id"] == ASA and data["programme"] == "occupational-therapy"
    assert data["origin_country"] == "NO" and data["publish"] is True
    assert str(data["studies"]["start"]) == "2024-08-26" and data["entries"] == []
    assert "bio" not in data and "languages" not in data  # the template's examples stay out
    assert validate_branch(repo, branch, tmp_path) == 0
    assert allowed_for(repo, branch, ASA) and not allowed_for(repo, branch, OSKAR)
    capsys.readouterr()
    assert main(["diff", "main", branch, "--repo", str(repo), "--today", TODAY]) == 0
    assert "asa-oberg: 0 → 0" in capsys.readouterr().out
    comment = (out / "comment.md").read_text()
    assert comment.startswith("Hello @asa-oberg-ot!")
    assert "portfolios/asa-oberg/ was created" in comment and "What happens next" in comment
    body = (out / "pull-request.md").read_text()
    assert "Closes #41" in body and "GitHub user id 5550001" in body
    assert (out / "title.txt").read_text().strip() == "Register Åsa Öberg"
    git(repo, "bundle", "verify", str(out / "change.bundle"))


def test_an_edited_registration_replaces_its_proposal(repo: Path, tmp_path: Path) -> None:
    intake(repo, tmp_path / "1", event("register-opened.json"))
    first = git(repo, "rev-parse", "intake/asa-oberg/issue-41").strip()
    outcome = intake(repo, tmp_path / "2", event("register-edited.json"))
    # The same branch (and id, although the name changed), rebuilt from main.
    assert outcome.plan.branch == "intake/asa-oberg/issue-41"
    head = git(repo, "rev-parse", "intake/asa-oberg/issue-41").strip()
    assert head != first
    assert git(repo, "rev-parse", f"{head}^").strip() == git(repo, "rev-parse", "main").strip()
    data = yaml.safe_load(git(repo, "show", f"{head}:portfolios/asa-oberg/portfolio.yml"))
    assert data["name"] == "Åsa Öberg-Lund" and data["origin_country"] == "SE"
    assert data["publish"] is False
    assert git(repo, "branch", "--list", "intake/*").split() == ["intake/asa-oberg/issue-41"]


def test_someone_with_a_portfolio_gets_a_plain_answer(repo: Path, tmp_path: Path) -> None:
    data = event("register-opened.json")
    data["issue"]["user"] = {"login": "anna-lind-demo", "id": 910000001}
    outcome = intake(repo, tmp_path / "out", data)
    assert not outcome.plan.ok
    comment = (tmp_path / "out/comment.md").read_text()
    assert "You already have a portfolio: portfolios/anna-lind/" in comment
    assert "Add an activity" in comment and not (tmp_path / "out/branch.txt").exists()
    assert git(repo, "branch", "--list", "intake/*").strip() == ""


def test_ids_never_collide(repo: Path, tmp_path: Path) -> None:
    body = event("register-opened.json")["issue"]["body"].replace("Åsa Öberg", "Anna Lind")
    first = intake(repo, tmp_path / "1", event("register-opened.json", body=body))
    assert first.plan.portfolio == "anna-lind-2"  # anna-lind exists on main
    other = event("register-opened.json", body=body, number=42)
    other["issue"]["user"] = {"login": "another-anna", "id": 5550002}
    second = intake(repo, tmp_path / "2", other)
    assert second.plan.portfolio == "anna-lind-3"  # anna-lind-2 waits for approval
    # Proposals on the remote count too, as `git ls-remote` lists them for the workflow.
    git(repo, "branch", "-D", "intake/anna-lind-2/issue-41", "intake/anna-lind-3/issue-42")
    listing = tmp_path / "branches.txt"
    listing.write_text(f"{'0' * 40}\trefs/heads/intake/anna-lind-2/issue-41\n")
    third = tmp_path / "third.json"
    third.write_text(json.dumps({**other, "issue": {**other["issue"], "number": 43}}))
    args = [
        "intake",
        str(third),
        "--repo",
        str(repo),
        "--out",
        str(tmp_path / "3"),
        "--branches",
        str(listing),
        "--today",
        TODAY,
    ]
    assert main(args) == 0
    assert (tmp_path / "3/branch.txt").read_text().strip() == "intake/anna-lind-3/issue-43"


def test_an_activity_with_evidence(
    repo: Path,
    tmp_path: Path,
    server: AttachmentServer,  # noqa: F811 (the fixture imported above)
) -> None:
    original = photo((4000, 3000))
    # Oskar's own document (another student's file would be refused as not his own).
    pdf = (ROOT / "portfolios/oskar-nilsson/evidence/summer-school.pdf").read_bytes()
    server.routes["/user-attachments/assets/7d3c1c52-3a55-4c9e-9f0e-2f1a6f0b9e11"] = Route(
        body=original
    )
    # A file link answers with a redirect to the file host, as GitHub's does.
    server.routes["/user-attachments/files/23456789/attendance.pdf"] = Route(
        302, headers={"Location": server.base + "user-attachments/storage/attendance"}
    )
    server.routes["/user-attachments/storage/attendance"] = Route(body=pdf)
    out = tmp_path / "out"
    outcome = intake(repo, out, event("activity-opened.json", server), server)
    assert outcome.plan.ok, outcome.plan.refused
    branch = "intake/oskar-nilsson/issue-57"
    jpg = "portfolios/oskar-nilsson/evidence/study-visit-abroad-2026-03-18-issue57-1.jpg"
    assert changed(repo, branch) == [
        jpg,
        jpg.replace("-1.jpg", "-2.pdf"),
        "portfolios/oskar-nilsson/portfolio.yml",
    ]
    from PIL import Image

    saved = tmp_path / "saved.jpg"
    saved.write_bytes(gitrepo.git(repo, "show", f"{branch}:{jpg}"))
    with Image.open(saved) as image:
        assert max(image.size) == 2400 and not image.getexif()
    assert gitrepo.blob(repo, branch, jpg.replace("-1.jpg", "-2.pdf")) == pdf
    data = yaml.safe_load(git(repo, "show", f"{branch}:portfolios/oskar-nilsson/portfolio.yml"))
    entry = data["entries"][-1]
    assert entry["activity"] == "study-visit-abroad" and entry["country"] == "PL"
    assert entry["evidence"][0]["kind"] == "photo" and "private" not in entry["evidence"][0]
    assert validate_branch(repo, branch, tmp_path) == 0
    assert allowed_for(repo, branch, OSKAR)
    comment = (out / "comment.md").read_text()
    assert "51 → 61 points (100 needed)" in comment
    assert "(GPS) was removed" in comment and "4000 × 3000 → 2400 × 1800" in comment
    # The portfolio's older warnings are not repeated to the student.
    assert "Welcome week" not in comment
    before = (ROOT / "portfolios/oskar-nilsson/portfolio.yml").read_text()
    after = git(repo, "show", f"{branch}:portfolios/oskar-nilsson/portfolio.yml")
    assert after.startswith(before)  # comments and layout kept; the entry appended


def test_the_answers_as_github_writes_them() -> None:
    scheme = load_scheme(ROOT)
    assert scheme.rules is not None
    form = registration_form(scheme.rules)
    body = (
        "### Your full name\r\n\r\nZoë Ångström\r\n\r\n### Expected last day of your studies"
        "\r\n\r\n_No response_\r\n\r\n### Publication\r\n\r\n- [X] I agree that my portfolio "
        "is shown on the public CIM site. You can change this later.\r\n"
    )
    got = answers(body, form)
    assert got.get("name") == "Zoë Ångström" and got.get("end") == ""
    assert got.ticked["publish"]
    # A heading the form does not have stays inside the answer above it.
    assert sections("### A\n\nx\n### B\ny", {"A"}) == {"A": "x\n### B\ny"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Åsa Öberg", "asa-oberg"),
        ("Søren Kjær", "soren-kjaer"),
        ("Jürgen Groß", "jurgen-gross"),
        ("Élodie Lefèvre", "elodie-lefevre"),
        ("Łukasz Wróbel", "lukasz-wrobel"),
        ("Æsa   Ø. (Nurse)", "aesa-o-nurse"),
        ("李小龍", "the-login"),
    ],
)
def test_ids_from_names(name: str, expected: str) -> None:
    assert names.portfolio_id(name, "The-Login", ()) == expected


def test_country_names() -> None:
    assert [names.country_code(n) for n in ("Sweden", "Holland", "UK", "poland", "Atlantis")] == [
        "SE",
        "NL",
        "GB",
        "PL",
        None,
    ]


def test_the_checked_in_forms_are_up_to_date(tmp_path: Path) -> None:
    assert main(["forms", "--check", "--repo", str(ROOT)]) == 0
    copy = tmp_path / "repo"
    (copy / ".github").mkdir(parents=True)
    shutil.copytree(ROOT / ".github/ISSUE_TEMPLATE", copy / ".github/ISSUE_TEMPLATE")
    for name in ("rules.yml", "activities.yml"):
        shutil.copy2(ROOT / name, copy / name)
    rules = (copy / "rules.yml").read_text()
    (copy / "rules.yml").write_text(rules.replace("min_words: 120", "min_words: 150"))
    assert main(["forms", "--check", "--repo", str(copy)]) == 1
    assert main(["forms", "--repo", str(copy)]) == 0
    assert main(["forms", "--check", "--repo", str(copy)]) == 0
    form = yaml.safe_load((copy / ".github/ISSUE_TEMPLATE/add-activity.yml").read_text())
    fields = {f.get("id"): f for f in form["body"]}
    assert "Your own choice" not in json.dumps(fields["activity"])
    assert "(own-choice)" in fields["activity"]["attributes"]["options"][-1]
    assert set(fields) >= {
        "activity",
        "date",
        "reflection",
        "evidence",
        "caption",
        "kind",
        "private",
        "country",
        "title",
        "category",
        "aims",
        "claim",
    }
    assert PORTFOLIOS_DIR not in json.dumps(form)
