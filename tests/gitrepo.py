"""Git repositories of the example portfolio for the diff and --new-since tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent
PORTFOLIO = ("partners", "campaigns", "partnerbook.yml", "mkdocs.yml")
_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          env={**os.environ, **_ENV})
    return proc.stdout


def example_repo(repo: Path) -> Path:
    """A git repository holding the example portfolio, committed on ``main``."""
    repo.mkdir()
    for name in PORTFOLIO:
        source = EXAMPLE / name
        if source.is_dir():
            shutil.copytree(source, repo / name)
        else:
            shutil.copyfile(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "--", *PORTFOLIO)
    git(repo, "commit", "-q", "-m", "the example portfolio")
    return repo


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A", "--", *PORTFOLIO)
    git(repo, "commit", "-q", "-m", message)


def remove_attestation(repo: Path, partner: str = "pagamenti-sicuri") -> None:
    """Delete the partner's pci-dss-aoc entry (up to the next document) from its partner.yaml."""
    path = repo / "partners" / partner / "partner.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - type: pci-dss-aoc")
    end = text.index("  - type:", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


SPRING = """name: Spring 2027
start: 2027-03-01
end: 2027-03-15
owner: marketing-lead
results:
  - partner: kiln-packaging
    sessions: 1200
    carts: 400
    checkouts: 220
    orders: 150
    revenue: 9000
    cost: 1000
"""


def pull_request_branch(repo: Path) -> None:
    """The issue's pull request: remove pagamenti-sicuri's attestation, move a contract's end, add a campaign."""
    git(repo, "checkout", "-q", "-b", "change")
    remove_attestation(repo)
    replace(repo / "partners/kiln-packaging/contracts/supply-2026.yaml", "end: 2027-12-31", "end: 2028-06-30")
    (repo / "campaigns/spring-2027.yaml").write_text(SPRING, encoding="utf-8")
    commit_all(repo, "the pull request")
