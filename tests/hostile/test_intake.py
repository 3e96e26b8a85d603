"""Hostile issue forms: what anyone who can open an issue can send to `cim intake`.

Every corpus string goes into every form field; attachments come from other hosts, redirect
away, are too many, too large or not what they claim, and carry path tricks in their names;
a student names someone else's portfolio; an issue is edited after its pull request opened.
The intake must answer in plain words, write only inside the author's own folder, and keep
every answer as data."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cim.intake import attachments, message
from cim.intake.answers import Author, Issue, answers
from cim.intake.forms import activity_form, option, registration_form
from cim.intake.plan import BRANCH, Base, plan_activity, plan_registration
from cim.intake.run import read_base
from cim.read import source

from conftest import git
from corpus import REFUSED_TEXT, TEXT
from intake_support import AttachmentServer, Route, changed, event, intake, make_repo, photo

STRINGS = [s for strings in TEXT.values() for s in strings] + list(REFUSED_TEXT)
ERIK, ERIK_LOGIN = 910000002, "erik-johansson-demo"
NEWCOMER = 5550009


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("intake") / "repo")


@pytest.fixture(scope="module")
def base(repo: Path) -> Base:
    return read_base(repo, git(repo, "rev-parse", "main").strip(), ERIK, ())


@pytest.fixture
def server() -> Iterator[AttachmentServer]:
    s = AttachmentServer()
    yield s
    s.close()


def body(values: dict[str, str], form_fields: dict[str, str]) -> str:
    """An issue body as GitHub writes it for these answers (label → value)."""
    return "\n\n".join(
        f"### {label}\n\n{values.get(fid) or '_No response_'}" for fid, label in form_fields.items()
    )


def issue(text: str, *, author: int = ERIK, login: str = ERIK_LOGIN, number: int = 9) -> Issue:
    return Issue("opened", number, Author(login, author), frozenset({"activity"}), text)


def activity_body(base: Base, **values: str) -> str:
    assert base.catalogue is not None
    form = activity_form(base.rules, base.catalogue)
    answers_ = {
        "activity": option("An activity of my own design", "own-choice"),
        "date": "2025-03-01",
        "country": "Sweden",
        "title": "Evening course",
        "claim": "5",
        "category": option("Internationalisation at home", "at-home"),
        "aims": option("Intercultural skills", "intercultural"),
        **values,
    }
    return body(answers_, {f.id: f.label for f in form.fields})


def assert_plain(comment: str) -> None:
    """Student text in a reply is text: no HTML, links, images or extra mentions."""
    assert "<" not in comment and ">" not in comment.replace("→", "")
    assert comment.count("@") == 1  # the greeting, with the login GitHub gave
    assert not re.search(r"(?<!\\)\]\(", comment) and "://" not in comment


@pytest.mark.parametrize("text", STRINGS, ids=lambda s: repr(s[:24]))
def test_payloads_in_every_free_text_field_stay_data(base: Base, text: str) -> None:
    fields = {"place": text, "language": text, "reflection": text, "caption": text, "title": text}
    plan = plan_activity(issue(activity_body(base, **fields)), _answers(base, fields), base, [])
    comment = message.comment(message.Outcome(plan, ERIK_LOGIN))
    assert_plain(comment)
    if not plan.ok:  # too long for a one-line answer: said so, nothing written
        assert plan.refused and not plan.files
        assert any("longer than" in r for r in plan.refused)
        return
    assert list(plan.files) == ["portfolios/erik-johansson/portfolio.yml"]
    assert BRANCH.fullmatch(plan.branch)
    written = plan.files["portfolios/erik-johansson/portfolio.yml"].decode()
    original = base.texts["erik-johansson"]
    assert written.startswith(original.rstrip("\n"))  # everything before is untouched
    doc = source.parse(written, "portfolio.yml")
    assert doc.ok and not [p for p in doc.problems if "control" not in p.message]
    entry = doc.data["entries"][-1]
    one_line = " ".join(text.split())
    assert entry["place"] == one_line and entry["title"] == one_line
    assert entry["reflection"] == "\n".join(line.rstrip() for line in text.strip().split("\n"))
    assert set(entry) <= {
        "activity",
        "title",
        "date",
        "claim",
        "category",
        "aims",
        "country",
        "place",
        "language",
        "reflection",
    }


def _answers(base: Base, values: dict[str, str]) -> Any:
    assert base.catalogue is not None
    return answers(activity_body(base, **values), activity_form(base.rules, base.catalogue))


@pytest.mark.parametrize("field", ["activity", "date", "end", "amount", "country", "claim"])
@pytest.mark.parametrize(
    "text", [s for s in STRINGS if len(s) < 200][::5], ids=lambda s: repr(s[:24])
)
def test_payloads_in_fields_that_need_a_value_are_refused_in_plain_words(
    base: Base, field: str, text: str
) -> None:
    values = {field: text}
    plan = plan_activity(issue(activity_body(base, **values)), _answers(base, values), base, [])
    assert not plan.ok and not plan.files and plan.refused
    assert_plain(message.comment(message.Outcome(plan, ERIK_LOGIN)))


@pytest.mark.parametrize("text", [s for s in STRINGS if len(s) <= 120], ids=lambda s: repr(s[:24]))
def test_payloads_as_a_name_make_a_safe_id(base: Base, text: str) -> None:
    form = registration_form(base.rules)
    values = {
        "name": text,
        "programme": base.rules.programmes[0].title,
        "cohort": base.rules.cohorts[0].title,
        "start": "2025-08-25",
    }
    text_body = body(values, {f.id: f.label for f in form.fields})
    new = Issue("opened", 3, Author("New-Person", NEWCOMER), frozenset({"registration"}), text_body)
    plan = plan_registration(new, answers(text_body, form), base, today=dt.date(2026, 11, 28))
    assert plan.ok, plan.refused
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?", plan.portfolio)
    assert plan.portfolio not in base.owners
    assert all(p.startswith(f"portfolios/{plan.portfolio}/") for p in plan.files)
    data = source.parse(plan.files[f"portfolios/{plan.portfolio}/portfolio.yml"].decode(), "p").data
    assert data["name"] == " ".join(text.split()) and data["github_id"] == NEWCOMER
    assert_plain(message.comment(message.Outcome(plan, "New-Person")))


def test_nobody_can_add_to_someone_elses_portfolio(repo: Path, tmp_path: Path) -> None:
    # Someone without a portfolio names Anna's in every field: refused, nothing written.
    data = event("activity-opened.json")
    text = data["issue"]["body"].replace("District health centre", "portfolios/anna-lind")
    stranger = event("activity-opened.json", body=text, number=60)
    stranger["issue"]["user"] = {"login": "stranger", "id": NEWCOMER}
    outcome = intake(repo, tmp_path / "a", stranger)
    assert not outcome.plan.ok and "Register first" in outcome.plan.refused[0]
    assert git(repo, "branch", "--list", "intake/*/issue-60").strip() == ""
    # Erik naming Anna's portfolio changes Erik's own, and nothing else.
    erik = event("activity-opened.json", body=text.replace("IMG_2041", "../anna-lind"), number=61)
    erik["issue"]["user"] = {"login": ERIK_LOGIN, "id": ERIK}
    erik["issue"]["body"] = erik["issue"]["body"].replace(
        "<img", "github_id: 910000001\nportfolios/anna-lind/portfolio.yml <img"
    )
    outcome = intake(repo, tmp_path / "b", erik)
    assert outcome.plan.portfolio == "erik-johansson"
    assert all(p.startswith("portfolios/erik-johansson/") for p in outcome.plan.files)
    # A registration can never claim someone else's id or account.
    reg = event("register-opened.json", number=62)
    reg["issue"]["body"] = reg["issue"]["body"].replace(
        "Åsa Öberg", "Anna Lind\ngithub_id: 910000001\nid: anna-lind"
    )
    reg["issue"]["user"] = {"login": "not-anna", "id": NEWCOMER}
    outcome = intake(repo, tmp_path / "c", reg)
    pid = outcome.plan.portfolio
    assert pid != "anna-lind" and pid.startswith("anna-lind")
    text = git(repo, "show", f"{outcome.plan.branch}:portfolios/{pid}/portfolio.yml")
    assert source.parse(text, "p").data["github_id"] == NEWCOMER


def test_path_tricks_in_attachment_names_reach_no_path(
    repo: Path, tmp_path: Path, server: AttachmentServer
) -> None:
    names = ["/etc/passwd", "a\x00b.jpg", "x\n### Place\nevil", "..\\..\\x"]
    lines = []
    for n, name in enumerate(names):
        server.routes[f"/user-attachments/assets/{n}"] = Route(body=photo((40, 30)))
        lines.append(f'<img alt="{name}" src="{server.base}user-attachments/assets/{n}" />')
    server.routes["/user-attachments/files/1/..%2F..%2Frules.yml"] = Route(body=photo((40, 30)))
    lines.append(f"[../../rules.yml]({server.base}user-attachments/files/1/..%2F..%2Frules.yml)")
    data = event("activity-opened.json", server, number=63)
    data["issue"]["user"] = {"login": ERIK_LOGIN, "id": ERIK}
    evidence = data["issue"]["body"].split("### Evidence\n\n")[1].split("\n\n### ")[0]
    data["issue"]["body"] = data["issue"]["body"].replace(evidence, "\n".join(lines))
    outcome = intake(repo, tmp_path / "out", data, server)
    assert outcome.plan.ok, outcome.plan.refused
    paths = changed(repo, outcome.plan.branch)
    assert len(paths) == 6  # five photos and the portfolio
    for path in paths:
        assert re.fullmatch(
            r"portfolios/erik-johansson/(portfolio\.yml|evidence/study-visit-abroad-"
            r"2026-03-18-issue63-[1-5]\.jpg)",
            path,
        ), path


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/user-attachments/assets/x",
        "https://github.com.evil.example/user-attachments/assets/x",
        "https://github.com@evil.example/user-attachments/assets/x",
        "{base}other/x.jpg",
        "{base_host}localhost-alias/user-attachments/x",
        "ftp://github.com/user-attachments/x",
        "javascript:alert(1)//https://github.com/user-attachments/x",
    ],
)
def test_other_hosts_are_never_asked(server: AttachmentServer, url: str) -> None:
    url = url.format(base=server.base, base_host="http://localhost:1/")
    found, refused = attachments.collect(url, server.allow, ["jpg", "pdf"], 10)
    assert found == [] and server.asked == []
    if attachments.links(url):
        assert "not a file attached to this issue" in refused[0]


def test_a_redirect_to_another_host_is_refused(server: AttachmentServer) -> None:
    away = server.base.replace("127.0.0.1", "localhost") + "user-attachments/assets/x"
    server.routes["/user-attachments/assets/a"] = Route(302, headers={"Location": away})
    found, refused = attachments.collect(
        server.base + "user-attachments/assets/a", server.allow, ["jpg"], 10
    )
    assert found == [] and "not a file attached" in refused[0]
    assert server.asked == ["/user-attachments/assets/a"]  # the other host was never asked


def test_endless_redirects_stop(server: AttachmentServer) -> None:
    loop = server.base + "user-attachments/assets/loop"
    server.routes["/user-attachments/assets/loop"] = Route(302, headers={"Location": loop})
    found, refused = attachments.collect(loop, server.allow, ["jpg"], 10)
    assert found == [] and "too many redirects" in refused[0]


def test_too_many_attachments_fetch_nothing(server: AttachmentServer) -> None:
    text = "\n".join(f"{server.base}user-attachments/assets/{n}" for n in range(6))
    found, refused = attachments.collect(text, server.allow, ["jpg"], 10)
    assert found == [] and "at most 5" in refused[0] and server.asked == []


def test_too_large_is_refused(server: AttachmentServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments, "MAX_DOWNLOAD", 1 << 20)
    server.routes["/user-attachments/assets/big"] = Route(body=b"\xff\xd8\xff" + bytes(2 << 20))
    found, refused = attachments.collect(
        server.base + "user-attachments/assets/big", server.allow, ["jpg"], 10
    )
    assert found == [] and "larger than 1 MB" in refused[0]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<html><script>alert(1)</script></html>", "not one of the accepted kinds"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not one of the"),
        (b"PK\x03\x04" + bytes(100), "not one of the accepted kinds"),
        (b"MZ" + bytes(100), "not one of the accepted kinds"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "cannot be read"),
        (photo((40, 30)) + b"<html><script>alert(1)</script>", "web markup"),
        (b"%PDF-1.4\n1 0 obj << /OpenAction << /JS (app.alert(1)) >> >>", "JavaScript"),
    ],
    ids=["html", "svg", "zip", "exe", "broken-jpeg", "polyglot", "pdf-js"],
)
def test_wrong_content_is_refused(server: AttachmentServer, content: bytes, words: str) -> None:
    server.routes["/user-attachments/assets/f"] = Route(body=content)
    found, refused = attachments.collect(
        server.base + "user-attachments/assets/f", server.allow, ["jpg", "png", "pdf"], 10
    )
    assert found == [] and words in refused[0], refused


def test_an_activity_edited_after_its_pull_request_opened(
    repo: Path, tmp_path: Path, server: AttachmentServer
) -> None:
    server.routes["/user-attachments/assets/7d3c1c52-3a55-4c9e-9f0e-2f1a6f0b9e11"] = Route(
        body=photo((800, 600))
    )
    server.routes["/user-attachments/files/23456789/attendance.pdf"] = Route(
        body=photo((80, 60), gps=False)
    )
    data = event("activity-opened.json", server, number=64)
    first = intake(repo, tmp_path / "1", data, server)
    assert first.plan.ok, first.plan.refused
    edited = json.loads(json.dumps(data).replace("2026-03-18", "2026-03-19"))
    edited["action"] = "edited"
    second = intake(repo, tmp_path / "2", edited, server)
    branch = "intake/oskar-nilsson/issue-64"
    assert first.plan.branch == second.plan.branch == branch
    # Rebuilt from main: one new entry (not two), the evidence named after the new date.
    text = git(repo, "show", f"{branch}:portfolios/oskar-nilsson/portfolio.yml")
    entries = source.parse(text, "p").data["entries"]
    base_entries = source.parse(
        git(repo, "show", "main:portfolios/oskar-nilsson/portfolio.yml"), "p"
    ).data["entries"]
    assert len(entries) == len(base_entries) + 1 and entries[-1]["date"] == "2026-03-19"
    assert all("2026-03-18" not in p for p in changed(repo, branch))
    assert (tmp_path / "2/branch.txt").read_text().strip() == branch
    # An edit of a closed issue (its pull request merged) does nothing.
    edited["issue"]["state"] = "closed"
    assert intake(repo, tmp_path / "3", edited, server) is None


def test_not_a_form_of_ours(repo: Path, tmp_path: Path) -> None:
    data = event("activity-opened.json")
    data["issue"]["labels"] = [{"name": "bug"}]
    assert intake(repo, tmp_path / "out", data) is None
    for broken in ({}, {"issue": {"number": 1}}, {"issue": {"number": 1, "user": {"id": "7"}}}):
        from cim.intake.answers import EventError, issue_from_event

        with pytest.raises(EventError):
            issue_from_event(broken)


def test_quoted_text_shows_as_typed() -> None:
    shown = message.escape("Polen <b>@octocat</b> [x](javascript:1) https://evil.example *a*")
    assert shown == (
        "Polen &lt;b&gt;&#64;octocat&lt;/b&gt; \\[x\\](javascript:1) "
        "https:&#47;&#47;evil.example \\*a\\*"
    )
