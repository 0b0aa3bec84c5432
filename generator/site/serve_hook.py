"""MkDocs hook used by ``partnerbook serve``: regenerate the pages from the records before each build.

MkDocs watches partners/, campaigns/ and partnerbook.yml (see ``serve`` in
generator/cli.py); on every change it calls ``on_pre_build``, which rewrites
the generated Markdown, so the live preview always shows the current records.
"""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

from generator.errors import PartnerbookError

log = logging.getLogger("mkdocs.plugins.partnerbook")


def on_pre_build(config: Any, **_: Any) -> None:
    from generator.site.build import prepare_docs
    from generator.workdir import build_lock

    root = Path(os.environ["PARTNERBOOK_ROOT"])
    today = date.fromisoformat(os.environ["PARTNERBOOK_TODAY"])
    try:
        with build_lock(root):  # a build of the same repository may be writing .partnerbook meanwhile
            prepare_docs(root, today)
    except PartnerbookError as exc:
        # Keep serving the last good pages; the message says what to fix.
        log.error("partnerbook: %s", exc)
