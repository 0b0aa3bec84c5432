"""The MkDocs configuration partnerbook builds with, from the records repository's ``mkdocs.yml``."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import yaml

from generator.errors import PartnerbookError

# Markdown extensions the generated pages use; a records repository's own mkdocs.yml
# may add more (or configure these), but cannot leave them out.
REQUIRED_EXTENSIONS: dict[str, dict[str, Any]] = {
    "tables": {}, "toc": {"permalink": True}, "attr_list": {}, "md_in_html": {}, "admonition": {},
    "pymdownx.details": {}, "pymdownx.superfences": {}, "pymdownx.tasklist": {"custom_checkbox": True},
}


def _with_required_extensions(configured: Any) -> list[Any]:
    """The configured ``markdown_extensions`` plus any required one they lack."""
    entries = list(configured) if isinstance(configured, list) else []
    names = {next(iter(e)) if isinstance(e, dict) and e else e for e in entries}
    for name, options in REQUIRED_EXTENSIONS.items():
        if name not in names:
            entries.append({name: options} if options else name)
    return entries


def mkdocs_config(root: Path, docs: Path, site: Path, title: str, language: str) -> dict[str, Any]:
    """The project's mkdocs.yml with the build's folders, title and language set."""
    config_file = root / "mkdocs.yml"
    config: dict[str, Any] = {}
    if config_file.is_file():
        try:
            loaded = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise PartnerbookError(f"mkdocs.yml cannot be read: {exc}") from None
        if isinstance(loaded, dict):
            config = loaded
    if not config.get("theme"):
        config["theme"] = {"name": "material"}
    if isinstance(config["theme"], str):
        config["theme"] = {"name": config["theme"]}
    config["theme"] = {**config["theme"], "language": language, "font": False}
    # MkDocs themes print site_name into HTML unescaped; the title comes from partnerbook.yml.
    config.update({"site_name": html.escape(title, quote=True), "docs_dir": str(docs), "site_dir": str(site),
                   "strict": True})
    config.setdefault("plugins", ["search"])
    config["markdown_extensions"] = _with_required_extensions(config.get("markdown_extensions"))
    config["extra_css"] = ["assets/partnerbook.css"]
    config["extra_javascript"] = ["assets/partnerbook.js"]
    config["nav"] = [
        {"Home": "index.md"}, {"Alerts": "alerts.md"}, {"Risk register": "risk.md"},
        {"Partners": "partners/index.md"}, {"Campaigns": "campaigns/index.md"},
        {"Compliance": "compliance.md"}, {"Contracts": "contracts.md"}, {"Checklists": "checklists.md"},
        {"KPI glossary": "glossary.md"}, {"Validation": "problems.md"},
    ]
    return config
