"""``cim intake``: the adapter around the pure core.

1. read the issue event (the author's login and numeric id from ``issue.user``);
2. read the base branch from git: rules, catalogue, who owns which portfolio, open proposals;
3. read the answers; fetch and clean the attachments (activities only);
4. plan the change (:mod:`cim.intake.plan`);
5. commit it on ``intake/<portfolio>/issue-<n>``, built afresh from the base, so an edited
   issue replaces its earlier proposal on the same branch;
6. check the result as ``cim validate --deep`` and ``cim diff`` would, and write the comment,
   the pull request's title and description and a git bundle of the branch into ``out``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cim.github import diff as prdiff
from cim.github import git as gitrepo
from cim.intake import attachments, forms, message
from cim.intake.answers import Issue, answers, issue_from_event
from cim.intake.plan import (
    BRANCH,
    Attachment,
    Base,
    Plan,
    plan_activity,
    plan_registration,
)
from cim.model.layout import (
    CATALOGUE_FILE,
    PORTFOLIO_FILE,
    PORTFOLIOS_DIR,
    RULES_FILE,
    SCHEME_FILES,
)
from cim.pipeline import check_repository, load_scheme
from cim.problems import Severity

COMMITTER = ("CIM intake", "cim-intake@users.noreply.github.com")


class IntakeError(Exception):
    """Intake cannot run (a broken base branch, an unreadable event); not the student's fault."""


@dataclass(slots=True)
class Options:
    repo: Path
    out: Path
    base: str = "HEAD"
    allow: Sequence[str] = attachments.DEFAULT_ALLOW
    branches: Sequence[str] = ()  # remote branch names (e.g. from `git ls-remote`)
    today: dt.date = field(default_factory=dt.date.today)


def _git(repo: Path, *args: str, data: bytes | None = None, env: Mapping[str, str] = {}) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        input=data,
        capture_output=True,
        check=False,
        env={**os.environ, **env},
    )
    if done.returncode != 0:
        raise gitrepo.GitError(f"git {args[0]}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode()


def pending(repo: Path, names: Sequence[str]) -> dict[str, int]:
    """Open proposals: portfolio id → issue number, from local and given branch names."""
    local = _git(
        repo,
        "for-each-ref",
        "--format=%(refname)",
        "refs/heads/intake/",
        "refs/remotes/origin/intake/",
    ).split()
    found: dict[str, int] = {}
    for ref in [*local, *names]:
        for prefix in ("refs/heads/", "refs/remotes/origin/", ""):
            if ref.startswith(prefix + "intake/"):
                match = BRANCH.fullmatch(ref[len(prefix) :])
                if match:
                    found.setdefault(match.group(1), int(match.group(2)))
                break
    return found


def read_base(repo: Path, sha: str, author_id: int, names: Sequence[str]) -> Base:
    with tempfile.TemporaryDirectory(prefix="cim-intake-") as tmp:
        for name in (RULES_FILE, CATALOGUE_FILE):
            content = gitrepo.blob(repo, sha, name)
            if content is not None:
                Path(tmp, name).write_bytes(content)
        scheme = load_scheme(Path(tmp))
    if scheme.rules is None or scheme.catalogue is None:
        raise IntakeError("the base branch's rules.yml or activities.yml cannot be read")
    owners = gitrepo.portfolio_owners(repo, sha)
    texts = {}
    for pid, owner in owners.items():
        if owner == author_id:
            blob = gitrepo.blob(repo, sha, f"{PORTFOLIOS_DIR}/{pid}/{PORTFOLIO_FILE}")
            if blob is not None:
                texts[pid] = blob.decode("utf-8", errors="replace")
    return Base(scheme.rules, scheme.catalogue, owners, pending(repo, names), texts)


def commit(repo: Path, base_sha: str, plan: Plan, issue: Issue) -> str:
    """Write the plan's files as one commit on top of ``base_sha`` and point its branch at it.

    Built with a private index from git objects only: the work tree is never touched, and
    no path can be written outside the portfolio's own folder."""
    folder = f"{PORTFOLIOS_DIR}/{plan.portfolio}/"
    for path in plan.files:
        parts = path.split("/")
        if not path.startswith(folder) or any(p in ("", ".", "..") for p in parts):
            raise IntakeError(f"refusing to write {path!r} outside {folder}")
    with tempfile.TemporaryDirectory(prefix="cim-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(repo, "read-tree", base_sha, env=env)
        for path, data in sorted(plan.files.items()):
            sha = _git(repo, "hash-object", "-w", "--stdin", data=data).strip()
            _git(repo, "update-index", "--add", "--cacheinfo", f"100644,{sha},{path}", env=env)
        tree = _git(repo, "write-tree", env=env).strip()
    who = {
        "GIT_AUTHOR_NAME": issue.author.login,
        "GIT_AUTHOR_EMAIL": f"{issue.author.id}+{issue.author.login}@users.noreply.github.com",
        "GIT_COMMITTER_NAME": COMMITTER[0],
        "GIT_COMMITTER_EMAIL": COMMITTER[1],
    }
    text = f"{plan.title}\n\nFrom the form in issue #{issue.number}.\n"
    sha = _git(repo, "commit-tree", tree, "-p", base_sha, "-m", text, env=who).strip()
    _git(repo, "update-ref", f"refs/heads/{plan.branch}", sha)
    return sha


def _unpack(repo: Path, rev: str, pid: str, dest: Path) -> Path:
    """The scheme files and one portfolio folder of ``rev``, unpacked safely into ``dest``."""
    wanted = [*SCHEME_FILES, f"{PORTFOLIOS_DIR}/{pid}"]
    present = [p for p in wanted if gitrepo.blob(repo, rev, p) is not None]
    dest.mkdir(parents=True)
    archive = gitrepo.git(repo, "archive", "--format=tar", rev, "--", *present)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def check(repo: Path, base_sha: str, plan: Plan, outcome: message.Outcome, today: dt.date) -> None:
    """What `cim validate --deep` and `cim diff` say about the proposal, into ``outcome``."""
    pid = plan.portfolio
    with tempfile.TemporaryDirectory(prefix="cim-intake-") as tmp:
        new = check_repository(
            _unpack(repo, plan.branch, pid, Path(tmp) / "head"), today=today, only=[pid], deep=True
        )
        old = check_repository(
            _unpack(repo, base_sha, pid, Path(tmp) / "base"), today=today, only=[pid], deep=True
        )
    # Only what this proposal brings: problems the portfolio already had are not repeated.
    known = {(p.severity, p.message) for r in old.portfolios for p in r.problems}
    for r in new.portfolios:
        for p in r.problems:
            if (p.severity, p.message) in known:
                continue
            where = f" ({Path(p.file).name} line {p.line})" if p.line > 1 else ""
            target = outcome.errors if p.severity is Severity.ERROR else outcome.warnings
            target.append(p.message + where)
    # The same comparison as `cim diff` makes for this portfolio.
    [d] = prdiff.compare_reports(old, new, {pid})
    was = 0 if d.before is None else d.before
    now = "—" if d.after is None else str(d.after)
    needed = f" ({d.required} needed)" if d.required else ""
    met = "; the requirements are met" if d.met_after else ""
    outcome.points = f"{was} → {now} points{needed}{met}"
    outcome.review = list(d.review)


def kind_of(issue: Issue) -> str | None:
    if forms.REGISTER_LABEL in issue.labels:
        return "register"
    if forms.ACTIVITY_LABEL in issue.labels:
        return "activity"
    return None


def run(event: Mapping[str, Any], options: Options) -> message.Outcome | None:
    """Plan, commit and check one issue event; None when the issue is not a form of ours."""
    issue = issue_from_event(event)
    kind = kind_of(issue)
    if kind is None or issue.state != "open":
        return None
    repo = options.repo
    base_sha = gitrepo.resolve(repo, options.base)
    base = read_base(repo, base_sha, issue.author.id, options.branches)
    if kind == "register":
        form = forms.registration_form(base.rules)
        keep = next((pid for pid, n in base.pending.items() if n == issue.number), None)
        plan = plan_registration(
            issue, answers(issue.body, form), base, today=options.today, keep_id=keep
        )
    else:
        form = forms.activity_form(base.rules, base.catalogue)
        given = answers(issue.body, form)
        found: list[Attachment] = []
        refused: list[str] = []
        if any(owner == issue.author.id for owner in base.owners.values()):
            found, refused = attachments.collect(
                given.get("evidence"),
                options.allow,
                base.rules.evidence_types,
                base.rules.evidence_max_mb,
            )
        plan = plan_activity(issue, given, base, found, refused_files=refused)
    outcome = message.Outcome(plan, issue.author.login)
    if plan.ok:
        commit(repo, base_sha, plan, issue)
        check(repo, base_sha, plan, outcome, options.today)
    write(options.out, outcome, issue, repo, base_sha)
    return outcome


def write(out: Path, outcome: message.Outcome, issue: Issue, repo: Path, base_sha: str) -> None:
    """The files the workflow posts and pushes: comment.md always; for a proposal also
    branch.txt, title.txt, pull-request.md and change.bundle."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "comment.md").write_text(message.comment(outcome), encoding="utf-8")
    plan = outcome.plan
    if not plan.ok:
        return
    (out / "branch.txt").write_text(plan.branch + "\n", encoding="utf-8")
    (out / "title.txt").write_text(" ".join(plan.title.split()) + "\n", encoding="utf-8")
    body = message.pull_request(outcome, issue.number, issue.author.id)
    (out / "pull-request.md").write_text(body, encoding="utf-8")
    bundle = out / "change.bundle"
    bundle.unlink(missing_ok=True)
    _git(repo, "bundle", "create", str(bundle), f"refs/heads/{plan.branch}", f"^{base_sha}")
