"""Links from the site to the record's file and line, per hosting service, from mkdocs.yml's repo_url."""

from __future__ import annotations

import pytest

from generator.site.repo_links import repo_links


def test_no_repo_url_means_no_links() -> None:
    assert repo_links({}) is None
    assert repo_links({"edit_uri": "edit/main/"}) is None


@pytest.mark.parametrize(("values", "view", "edit"), [
    ({"repo_url": "https://github.com/shop/partners"},
     "https://github.com/shop/partners/blob/main/partners/acme/partner.yaml#L12",
     "https://github.com/shop/partners/edit/main/partners/acme/partner.yaml"),
    ({"repo_url": "https://github.com/shop/partners.git/", "edit_uri": "edit/trunk/docs/"},
     "https://github.com/shop/partners/blob/trunk/partners/acme/partner.yaml#L12",
     "https://github.com/shop/partners/edit/trunk/partners/acme/partner.yaml"),
    ({"repo_url": "https://gitlab.com/shop/partners", "edit_uri": "-/edit/develop/"},
     "https://gitlab.com/shop/partners/-/blob/develop/partners/acme/partner.yaml#L12",
     "https://gitlab.com/shop/partners/-/edit/develop/partners/acme/partner.yaml"),
    ({"repo_url": "https://gitlab.example.org/shop/partners"},
     "https://gitlab.example.org/shop/partners/-/blob/main/partners/acme/partner.yaml#L12",
     "https://gitlab.example.org/shop/partners/-/edit/main/partners/acme/partner.yaml"),
    ({"repo_url": "https://bitbucket.org/shop/partners"},
     "https://bitbucket.org/shop/partners/src/main/partners/acme/partner.yaml#lines-12",
     "https://bitbucket.org/shop/partners/src/main/partners/acme/partner.yaml?mode=edit"),
    ({"repo_url": "https://codeberg.org/shop/partners", "edit_uri": "src/branch/prod/"},
     "https://codeberg.org/shop/partners/src/branch/prod/partners/acme/partner.yaml#L12",
     "https://codeberg.org/shop/partners/_edit/prod/partners/acme/partner.yaml"),
    ({"repo_url": "https://github.com/shop/partners", "edit_uri": "https://github.com/shop/partners/edit/live/"},
     "https://github.com/shop/partners/blob/live/partners/acme/partner.yaml#L12",
     "https://github.com/shop/partners/edit/live/partners/acme/partner.yaml"),
])
def test_view_and_edit_urls_per_host(values: dict[str, str], view: str, edit: str) -> None:
    links = repo_links(values)
    assert links is not None
    assert links.view("partners/acme/partner.yaml", 12) == view
    assert links.edit("partners/acme/partner.yaml") == edit


def test_paths_are_url_quoted_and_a_missing_line_links_the_file() -> None:
    links = repo_links({"repo_url": "https://github.com/shop/partners"})
    assert links is not None
    assert links.view("partners/caffè & co/partner.yaml") == \
        "https://github.com/shop/partners/blob/main/partners/caff%C3%A8%20%26%20co/partner.yaml"
    assert links.view("partners/a/partner.yaml", None).endswith("partner.yaml")


def test_partnerbook_yml_names_the_repository_and_branch_first() -> None:
    links = repo_links({"repo_url": "https://github.com/other/repo", "edit_uri": "edit/dev/"},
                       "https://gitlab.com/shop/partners", "release/2026")
    assert links is not None
    assert links.view("campaigns/easter.yaml", 3) == \
        "https://gitlab.com/shop/partners/-/blob/release/2026/campaigns/easter.yaml#L3"
    assert repo_links({"repo_url": "javascript:alert(1)"}) is None
