"""Links from the site to the records: an alert or finding to its file and line, a record page to its editor.

The repository is ``site.repo_url`` of ``partnerbook.yml``, else ``repo_url`` of ``mkdocs.yml`` (as MkDocs
uses it; that one also draws the theme's repository button). The branch is ``site.repo_branch``, else the
one ``mkdocs.yml``'s ``edit_uri`` names (``edit/main/``, ``-/edit/trunk/``, ``src/branch/develop/``), else
``main``. GitHub, GitLab (also
self-hosted ``gitlab.`` hosts), Bitbucket and Gitea/Forgejo (``src/branch/``) URL shapes are known; for
another host the links use GitHub's shape. Without ``repo_url`` there are no links: nothing is guessed.

Generated pages are not files of the repository, so MkDocs' own "edit this page" button is turned off
(``edit_uri: ""``) and each record page links to its record instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

DEFAULT_BRANCH = "main"
_BRANCH = re.compile(r"^(?:-/)?(?:edit|blob|src/branch|src|tree)/([^/?#]+)/?")


@dataclass(frozen=True)
class RepoLinks:
    """URLs into the records repository at one branch."""

    repo_url: str
    branch: str
    host: str  # github | gitlab | bitbucket | gitea

    def _path(self, path: str) -> str:
        return quote(path.replace("\\", "/").lstrip("/"), safe="/")

    def view(self, path: str, line: int | None = None) -> str:
        """The file at ``line`` in the repository's web view."""
        branch = quote(self.branch, safe="/")
        file = self._path(path)
        if self.host == "gitlab":
            url = f"{self.repo_url}/-/blob/{branch}/{file}"
        elif self.host == "bitbucket":
            url = f"{self.repo_url}/src/{branch}/{file}"
            return url + (f"#lines-{line}" if line else "")
        elif self.host == "gitea":
            url = f"{self.repo_url}/src/branch/{branch}/{file}"
        else:
            url = f"{self.repo_url}/blob/{branch}/{file}"
        return url + (f"#L{line}" if line else "")

    def edit(self, path: str) -> str:
        """The repository's editor for the file (a pull request starts from there)."""
        branch = quote(self.branch, safe="/")
        file = self._path(path)
        if self.host == "gitlab":
            return f"{self.repo_url}/-/edit/{branch}/{file}"
        if self.host == "bitbucket":
            return f"{self.repo_url}/src/{branch}/{file}?mode=edit"
        if self.host == "gitea":
            return f"{self.repo_url}/_edit/{branch}/{file}"
        return f"{self.repo_url}/edit/{branch}/{file}"


def _host(url: str) -> str:
    name = (urlsplit(url).hostname or "").lower()
    if name == "gitlab.com" or name.startswith("gitlab."):
        return "gitlab"
    if name == "bitbucket.org":
        return "bitbucket"
    if name == "codeberg.org" or name.startswith(("gitea.", "forgejo.")):
        return "gitea"
    return "github"


def repo_links(values: dict[str, Any], repo_url: str | None = None, branch: str | None = None) -> RepoLinks | None:
    """The links for ``site.repo_url`` / ``site.repo_branch`` of partnerbook.yml (``repo_url``, ``branch``),
    else the checked ``mkdocs.yml`` ``values`` (``repo_url``, ``edit_uri``); None without a repository URL.
    """
    url = repo_url or values.get("repo_url")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        return None
    url = url.rstrip("/")
    if url.endswith(".git"):
        url = url[: -len(".git")]
    if branch:
        return RepoLinks(url, branch, _host(url))
    branch = DEFAULT_BRANCH
    edit_uri = values.get("edit_uri")
    if isinstance(edit_uri, str) and edit_uri:
        relative = edit_uri
        if "://" in edit_uri:  # a full URL: take its path after the repository's
            relative = urlsplit(edit_uri).path
            base = urlsplit(url).path.rstrip("/")
            relative = relative[len(base):] if relative.startswith(base) else ""
        found = _BRANCH.match(relative.lstrip("/"))
        if found:
            branch = found.group(1)
    return RepoLinks(url, branch, _host(url))
