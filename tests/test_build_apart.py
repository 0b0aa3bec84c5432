"""A big portfolio's pages are prepared in a child process that exits before MkDocs starts
(generator/site/apart.py ``prepare_apart``): the site, the report, the progress shown and the errors are
the ones an in-process build gives.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, copy_base

from generator.errors import PartnerbookError
from generator.progress import PlainProgress
from generator.site import apart as apart_module
from generator.site import build as site
from generator.workdir import MARKER

DAY = date.fromisoformat(TODAY)


def _tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != MARKER}


def _build(root: Path, apart: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[site.BuildReport, str]:
    monkeypatch.setattr(apart_module, "APART_MIN", 0 if apart else 10**9)
    stream = io.StringIO()
    report = site.build_site(root, DAY, progress=PlainProgress(stream))
    return report, stream.getvalue()


def test_pages_prepared_apart_give_the_same_site_report_and_progress(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    here, apart = copy_base(tmp_path / "here"), copy_base(tmp_path / "apart")

    report_here, shown_here = _build(here, False, monkeypatch)
    report_apart, shown_apart = _build(apart, True, monkeypatch)

    assert _tree(apart / "site") == _tree(here / "site")
    assert (report_apart.pages, report_apart.charts, report_apart.problems) == \
        (report_here.pages, report_here.charts, report_here.problems)
    assert set(report_apart.seconds) == set(report_here.seconds), "the child's timings are reported"
    assert shown_apart == shown_here, "the child's stages are shown by the parent"
    again, _shown = _build(apart, True, monkeypatch)
    assert again.unchanged, "the fingerprint of a build prepared apart is kept"


def test_an_error_in_the_child_is_raised_with_its_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_base(tmp_path / "portfolio")
    profile = root / "partners" / "kiln-packaging" / "partner.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "name: twice\n", encoding="utf-8")

    with pytest.raises(PartnerbookError) as here:
        _build(root, False, monkeypatch)
    with pytest.raises(PartnerbookError) as apart:
        _build(root, True, monkeypatch)

    assert str(apart.value) == str(here.value)
    assert "partners/kiln-packaging/partner.yaml:" in str(apart.value)
