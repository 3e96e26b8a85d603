"""Signing isolated: the deployment builds without the key and signs in a step of its own;
the result is the same as a build that signed, and the workflow is pinned and hashed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cim.credentials import keys

from conftest import ROOT, TODAY, copy_repo

BIN = Path(sys.executable).parent
DEPLOY = ROOT / ".github/workflows/deploy.yml"


def _cim(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "cim"), *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_signing_later_gives_the_same_site_as_signing_in_the_build(tmp_path: Path) -> None:
    repo = copy_repo(ROOT, tmp_path / "repo")
    shutil.copy2(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(ROOT / "site_theme", repo / "site_theme")
    shutil.copytree(ROOT / "docs", repo / "docs")
    key = keys.new_key()
    issuer = repo / "issuer.yml"
    issuer.write_text(
        issuer.read_text().replace("keys: []", "keys:")
        + f"  - id: key-2026\n    public: {keys.public_multibase(key.public_key())}\n"
        "    status: active\n"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("CIM_SIGNING")}
    base |= {"CIM_TODAY": TODAY, "CIM_CACHE": str(tmp_path / "cache")}
    signing = {**base, "CIM_SIGNING_KEY": keys.private_multibase(key)}
    common = ["--repo", str(repo), "--quiet", "--strict"]
    one = _cim(["build", *common, "--official", "--out", str(tmp_path / "one")], signing)
    assert one.returncode == 0, one.stderr
    # The deployment's way: build without the key, then sign with nothing else running.
    refused = _cim(["build", *common, "--sign-later", "--out", str(tmp_path / "x")], signing)
    assert refused.returncode == 2 and "remove CIM_SIGNING_KEY" in refused.stderr
    two = _cim(["build", *common, "--sign-later", "--out", str(tmp_path / "two")], base)
    assert two.returncode == 0, two.stderr
    unsigned = sorted((tmp_path / "two").rglob("credential.json"))
    assert unsigned and all(b"proofValue" not in p.read_bytes() for p in unsigned)
    verified = _cim(["verify", str(unsigned[0]), "--site", str(tmp_path / "two")], base)
    assert verified.returncode == 1  # an unsigned credential never passes
    signed = _cim(["sign", "--repo", str(repo), "--site", str(tmp_path / "two")], signing)
    assert signed.returncode == 0, signed.stderr
    for path in sorted((tmp_path / "one").rglob("*.json")):
        other = tmp_path / "two" / path.relative_to(tmp_path / "one")
        assert other.read_bytes() == path.read_bytes(), path
    wrong = _cim(["sign", "--repo", str(repo), "--site", str(tmp_path / "two")], base)
    assert wrong.returncode == 2 and "needs the signing key" in wrong.stderr


def test_signing_later_without_one_active_key_says_what_to_do() -> None:
    from cim.credentials.later import placeholder_signer

    stand_in = keys.Signer(keys.new_key(), "dev", official=False)
    with pytest.raises(ValueError, match=r"no active key.*cim keys new.*CIM_SIGNING_KEY"):
        placeholder_signer({"z1": ("old", "retired")}, stand_in)
    two = {"z1": ("key-2025", "active"), "z2": ("key-2026", "active")}
    with pytest.raises(ValueError, match=r"2 active keys \(key-2025, key-2026\).*retired"):
        placeholder_signer(two, stand_in)
    one = placeholder_signer({"z2": ("key-2026", "active"), "z1": ("old", "retired")}, stand_in)
    assert one.key_id == "key-2026" and one.official


def _steps() -> list[dict[str, object]]:
    data = yaml.safe_load(DEPLOY.read_text())
    return list(data["jobs"]["build"]["steps"])


def test_the_deployment_installs_from_hashes_and_signs_in_its_own_step() -> None:
    steps = _steps()
    runs = [str(s.get("run", "")) for s in steps]
    install = next(r for r in runs if "pip install" in r)
    assert "--require-hashes" in install and "requirements.lock" in install
    build = next(s for s in steps if "cim build" in str(s.get("run", "")))
    assert "--sign-later" in str(build["run"]) and "secrets." not in str(build)
    [sign] = [s for s in steps if "secrets." in str(s)]
    assert str(sign["run"]).strip().startswith("cim sign ")
    assert "\n" not in str(sign["run"]).strip()  # the signing step runs nothing else
    assert steps.index(sign) > steps.index(build)


def _name(text: str) -> str:
    """A package's name as package indexes compare names."""
    return re.sub(r"[-_.]+", "-", text).lower()


def _pinned(lock: str) -> set[str]:
    """The names of the packages the lock file pins."""
    return {_name(m) for m in re.findall(r"^([A-Za-z0-9._-]+)==", lock, re.M)}


def test_the_lock_file_pins_every_dependency_with_hashes() -> None:
    lock = (ROOT / "requirements.lock").read_text()
    import tomllib

    pinned = _pinned(lock)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(re.split(r"[<>=!~\[; ]", d)[0]) for d in project["dependencies"]}
    assert wanted <= pinned, wanted - pinned
    blocks = re.split(r"\n(?=[A-Za-z0-9._-]+==)", lock.split("\n", 6)[-1])
    assert all("--hash=sha256:" in b for b in blocks if "==" in b)


def test_every_library_the_generator_imports_is_in_the_lock_file() -> None:
    """The workflows install only the lock file (the site's dependencies, not the test
    extra): a library that the generator imports, even inside a function, must be pinned
    there, or validation and deployment fail on the first portfolio that reaches it."""
    import ast
    import importlib.metadata

    pinned = _pinned((ROOT / "requirements.lock").read_text())
    owners = importlib.metadata.packages_distributions()
    missing: dict[str, str] = {}
    for path in sorted((ROOT / "generator" / "cim").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top == "cim" or top in sys.stdlib_module_names:
                    continue
                distributions = owners.get(top)
                assert distributions, f"{path.relative_to(ROOT)}: nothing installed gives {top}"
                if not {_name(d) for d in distributions} & pinned:
                    missing[top] = str(path.relative_to(ROOT))
    assert not missing, f"imported but not in requirements.lock (add to dependencies): {missing}"


def test_zizmor_finds_nothing_of_medium_severity_or_above() -> None:
    zizmor = shutil.which("zizmor", path=str(BIN)) or shutil.which("zizmor")
    if zizmor is None:
        if os.environ.get("CI"):
            raise AssertionError("zizmor is installed with the test extra")
        pytest.skip("zizmor is not installed")
    done = subprocess.run(
        [zizmor, "--offline", "--min-severity", "medium", str(ROOT / ".github/workflows")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = (ROOT / ".github/workflows/ownership.yml").read_text()
    [line] = [x for x in text.splitlines() if "zizmor: ignore[dangerous-triggers]" in x]
    assert line.split("]", 1)[1].strip(), "a suppression states its reason beside it"
