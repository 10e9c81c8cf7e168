"""Running git safely: fixed argument lists, hostile revisions, clear errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from git_helpers import Repo, task

from worktext.history import gitio


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "r")
    repo.write({"tasks/A-1.md": task(status="todo"), "--help.md": "x\n"})
    repo.commit("Start", "2026-01-01T09:00:00+00:00")
    return repo


def test_repo_state(repo: Repo) -> None:
    state = gitio.repo_state(repo.root)
    assert state.toplevel == repo.root.resolve()
    assert (state.prefix, state.head, state.branch, state.shallow) == ("", repo.head(), "main", ())
    (repo.root / "sub").mkdir()
    assert gitio.repo_state(repo.root / "sub").prefix == "sub/"


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(gitio.NotARepository, match="not in a git repository"):
        gitio.repo_state(tmp_path)


def test_git_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(gitio.GitMissing, match="git is not installed"):
        gitio.repo_state(tmp_path)


@pytest.mark.parametrize(
    "rev", ["--output=pwned", "-h", "--all", "HEAD --output=pwned", "--exec=touch pwned", "x;y"]
)
def test_revisions_never_become_options(repo: Repo, rev: str) -> None:
    with pytest.raises(gitio.GitError, match="does not know the revision"):
        gitio.resolve(repo.root, rev)
    assert not (repo.root / "pwned").exists()


def test_resolve_and_rev_list(repo: Repo) -> None:
    first = repo.head()
    repo.write({"tasks/A-1.md": task(status="doing")})
    second = repo.commit("Next", "2026-01-02T09:00:00+00:00")
    assert gitio.resolve(repo.root, "HEAD~1") == first
    assert gitio.rev_list(repo.root, [f"{first}..HEAD"]) == [second]


def test_blob_reader_reads_many_and_reports_missing(repo: Repo) -> None:
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "HEAD"], cwd=repo.root, capture_output=True, text=True, check=True
    ).stdout.split()
    blobs = [listing[i + 2] for i in range(0, len(listing), 4)]
    missing = "0" * 40
    with gitio.BlobReader(repo.root) as reader:
        results = dict(reader.read_many([*blobs * 300, missing]))
    assert results[missing] is None
    assert sorted(results[b] for b in blobs) == sorted(
        [b"x\n", task(status="todo").encode(), b"name: Test\n"]
    )


def test_environment_is_fixed() -> None:
    env = gitio.git_env()
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["LC_ALL"] == "C"
    assert env["GIT_LITERAL_PATHSPECS"] == "1"
    assert "GIT_DIR" not in env


def test_a_search_of_commit_messages_resolves(repo: Repo) -> None:
    first = repo.head()
    repo.write({"tasks/A-1.md": task(status="doing")})
    second = repo.commit("Move A-1 to doing", "2026-01-02T09:00:00+00:00")
    assert gitio.resolve(repo.root, ":/Start") == first
    assert gitio.resolve(repo.root, ":/Move A-1") == second  # the pattern may hold spaces
    with pytest.raises(gitio.GitError, match="does not know the revision"):
        gitio.resolve(repo.root, ":/nothing says this")
