"""MkDocs build with a per-page cache and parallel page rendering; the output equals a plain ``mkdocs build``.

MkDocs converts every page's Markdown, renders the theme template around it and feeds the HTML to the
search plugin, one page after another. This module runs the same steps through MkDocs' own API
(``Page``, ``_populate_page``, ``_build_page`` and the plugin events) with two differences:

* **Cache.** A page's HTML and search entries depend only on its Markdown and on what is global to the
  build; a page whose key was built before is taken from ``.partnerbook/cache/pages/<key>.json``
  (generator/site/page_cache.py: keys, sealed and schema-checked entries). The navigation lists only
  fixed index pages with titles from the configuration, so no page's HTML depends on another page's
  content. The search index holds every page's entries (cached or new) in page order, so it always holds
  every page: unlike ``--dirty``, a rebuild is the full site. The entries wait on disk, not in memory, and
  go into the index the search plugin writes (generator/site/search_spool.py).
* **Parallel.** Pages and charts that are not cached are drawn and rendered in a pool of forked
  processes that share the loaded configuration, files and navigation (generator/site/page_pool.py).

Cache entries are written only after the whole build succeeded, and entries no build used are pruned.
Plugins other than search could keep state across pages, so with any other plugin (or hook) configured
the build falls back to MkDocs' own ``build``. ``tests/test_build_incremental.py`` checks that a cached
rebuild, a full build and a plain ``mkdocs build`` give byte-identical sites.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import workdir
from generator.i18n import _, ngettext
from generator.progress import SILENT, Progress
from generator.site import page_pool, stamp
from generator.site.page_cache import PENDING, PageOutput, global_key, page_key, store, template_key
from generator.site.reuse import PreviousSite, write_manifest
from generator.site.search_spool import SearchSpool

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

SAFE_PLUGINS = frozenset({"search", "material/search"})


@dataclass
class BuildStats:
    pages: int = 0
    rendered: int = 0
    cached: int = 0
    charts_drawn: int = 0
    linked: int = 0  # files hard-linked from the previous site
    incremental: bool = True


def _restore(page: Any, output: PageOutput, files: Files) -> None:
    """Give a page built elsewhere (worker or cache) what later steps read from it."""
    page._title_from_render = output.title
    page.present_anchor_ids = set(output.anchors) if output.anchors is not None else None
    if output.links is None:
        page.links_to_anchors = None
    else:
        page.links_to_anchors = {}
        for uri, anchors in output.links.items():
            target = files.get_file_from_path(uri)
            if target is not None:
                page.links_to_anchors[target] = dict(anchors)


def _write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def plugins_allow_cache(config: MkDocsConfig) -> bool:
    return set(config.plugins) <= SAFE_PLUGINS and not config.hooks


def build(config_data: dict[str, Any], config_path: Path, cache_dir: Path | None,
          charts: Sequence[tuple[Any, Path]] = (), chart_docs: Callable[[], None] | None = None,
          jobs: int | None = None, previous_site: Path | None = None, progress: Progress = SILENT) -> BuildStats:
    """Build the site of ``config_path`` (whose content is ``config_data``) into its ``site_dir``.

    ``charts`` are (spec, cache path) pairs still to be drawn; they are drawn in the same pool as the
    pages, then ``chart_docs`` puts them into docs_dir before MkDocs copies the static files.
    ``previous_site`` is the site this build will replace: unchanged files are hard-linked from it
    (see generator/site/reuse.py). Raises
    MkDocs' exceptions; ``Abort`` when strict mode saw a warning.
    """
    from mkdocs import exceptions, utils
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, InclusionLevel, get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation

    stats = BuildStats()
    config = load_config(config_file=str(config_path))
    if not plugins_allow_cache(config):
        for job in charts:
            from generator.draw.chart_draw import draw_to

            draw_to(job)
        if chart_docs is not None:
            chart_docs()
        mkdocs_build(config)
        stats.incremental = False
        return stats

    spool: SearchSpool | None = None
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    mkdocs_logger = logging.getLogger("mkdocs")
    if config.strict:
        mkdocs_logger.addHandler(counter)
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        known = {f.src_uri for f in files}
        for _spec, path in charts:  # drawn below: known to MkDocs now, copied once drawn
            uri = f"assets/charts/{path.name}"
            if uri not in known:
                files.append(File(uri, config.docs_dir, config.site_dir, config.use_directory_urls))
                known.add(uri)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        env = config.plugins.on_env(env, config=config, files=files)
        known = {f.src_uri for f in files}

        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        words = _read_pages(config, nav, doc_files)
        navigation = [(page.file.src_uri, page.title, page.meta) for page in nav.pages]  # shown on every page
        base = global_key({**config_data, "navigation": navigation}, files)
        outputs: dict[str, PageOutput] = {}
        spool = SearchSpool(Path(config_path).parent)  # every page's search entries, on disk
        keys: dict[str, str] = {}
        sizes: dict[str, int] = {}
        tasks: list[page_pool.Task] = [("chart", job) for job in charts]
        previous = PreviousSite(previous_site, cache_dir)

        def take(src_uri: str, output: PageOutput, fresh: bool) -> None:
            """Write a page as soon as its output is known, keeping only what later steps read (not its HTML).

            A newly rendered page's cache entry waits under a pending name until the whole build succeeded.
            """
            assert spool is not None  # made above
            found = words.get(src_uri, {})
            if output.html is not None:
                if fresh and cache_dir is not None:
                    workdir.write_atomic(cache_dir / f"{PENDING}{keys[src_uri]}", output.seal(keys[src_uri]))
                file = files.get_file_from_path(src_uri)
                assert file is not None  # a documentation page of this build
                html = stamp.apply_html(output.html, found)
                if os.path.lexists(file.abs_dest_path):  # written by MkDocs in a worker, with the tokens
                    os.unlink(file.abs_dest_path)
                if not previous.page(file.dest_uri, html, file.abs_dest_path):
                    _write(file.abs_dest_path, html)
                output.html = None
            # Kept on disk until the index is written (generator/site/search_spool.py): a site's search
            # entries are larger than its navigation, files and outputs together.
            spool.add(src_uri, stamp.apply_search(output.search, found))
            output.search = []
            outputs[src_uri] = output

        for file in doc_files:
            if file.src_uri in words:  # its Markdown with the tokens, as it is rendered
                source = stamp.neutral(file.content_string)[0].encode()
            else:
                source = file.content_bytes
            sizes[file.src_uri] = len(source)
            keys[file.src_uri] = key = page_key(base, file.src_uri, source, known)
            try:
                if cache_dir is None:
                    raise FileNotFoundError
                cached = PageOutput.unseal(key, workdir.read_regular(cache_dir / f"{key}.json"))
            except (OSError, ValueError, UnicodeDecodeError, RecursionError):
                tasks.append(("page", file.src_uri))
            else:
                take(file.src_uri, cached, fresh=False)
                stats.cached += 1

        def rendered(src_uri: str, output: PageOutput) -> None:
            take(src_uri, output, fresh=True)
            stats.rendered += 1
            progress.advance("pages")

        def drawn() -> None:
            stats.charts_drawn += 1
            progress.advance("charts")

        search_plugin = config.plugins.get("material/search") or config.plugins.get("search")
        search = getattr(search_plugin, "search_index", None)
        page_pool.STATE.update(config=config, files=files, nav=nav, env=env, doc_files=doc_files, search=search,
                               stamped=words.keys())
        progress.start("pages", len(tasks) - len(charts))
        progress.start("charts", len(charts))
        warnings = page_pool.run(tasks, sizes, jobs, rendered, drawn)
        for name, level, message in warnings:  # counted by strict mode like the parent's own
            logging.getLogger(name).log(level, message)

        if chart_docs is not None:
            chart_docs()
        _copy_static_files(files, previous)
        written = _write_templates(config, env, files, nav, previous, template_key(base))
        if config.extra_templates:
            raise exceptions.ConfigurationError(_("extra_templates are not supported by partnerbook's build"))

        for file in doc_files:
            _restore(file.page, outputs[file.src_uri], files)
        order = [file.src_uri for file in doc_files]
        # Material's plugin writes an index of no entries, and the spool puts them in, one page at a time;
        # another search plugin gets them all, as MkDocs would give them.
        streamed = search is not None and type(search_plugin).__module__.startswith("material.")
        if search is not None:
            search.entries = [] if streamed else [entry for uri in order for entry in spool.entries(uri)]
        log_level = config.validation.links.anchors
        for file in doc_files:
            assert file.page is not None  # every documentation page got one above
            file.page.validate_anchor_links(files=files, log_level=log_level)
        config.plugins.on_post_build(config=config)
        if streamed and not spool.write_index(Path(config.site_dir) / "search" / "search_index.json", order):
            assert search is not None  # streamed: Material's plugin is there
            assert search_plugin is not None
            search.entries = [entry for uri in order for entry in spool.entries(uri)]
            search_plugin.on_post_build(config=config)
        if counts := counter.get_counts():
            raise exceptions.Abort(_("Aborted with {counts} in strict mode!").format(
                counts=", ".join(_counted(level, n) for level, n in counts)))
    except BaseException as exc:
        if cache_dir is not None:  # nothing of a failed build reaches the cache
            for entry in os.scandir(cache_dir):
                if entry.name.startswith(PENDING):
                    workdir.remove(Path(entry.path))
        if isinstance(exc, Exception):
            config.plugins.on_build_error(error=exc)
        raise
    finally:
        mkdocs_logger.removeHandler(counter)
        page_pool.SOURCES.clear()
        if spool is not None:
            spool.close()

    stats.pages = len(doc_files)
    stats.linked = previous.linked
    if cache_dir is not None:
        store(cache_dir, keys, {uri for kind, uri in tasks if kind == "page"})
        if previous_site is not None:
            write_manifest(cache_dir, previous_site, written, Path(config.site_dir))
    return stats


def _read_pages(config: MkDocsConfig, nav: Any, doc_files: Sequence[Any]) -> dict[str, dict[str, str]]:
    """Read every page's front matter before any is built, as MkDocs does; the words stamped on each page.

    A page is hashed and rendered with tokens in place of the words written at build time (the build's day and
    commit, day counts: generator/site/stamp.py); the words go back in when it is written. Its Markdown is not
    kept (a site's worth of text): its key and its rendering read it again from docs (the navigation's few
    pages keep theirs for their titles).
    """
    from mkdocs.structure.pages import Page

    words: dict[str, dict[str, str]] = {}
    shown = {page.file.src_uri for page in nav.pages}  # their titles are read again
    for file in doc_files:
        page = file.page if file.page is not None else Page(None, file, config)
        src_path = file.abs_src_path
        text, found = stamp.neutral(file.content_string)
        if found:
            file.content_string = text
            words[file.src_uri] = found
        page.read_source(config)
        if file.src_uri not in shown:
            page.markdown = None
        if found and src_path is not None:
            page_pool.SOURCES[file.src_uri] = src_path
            page_pool.forget_source(file, file.src_uri)
    return words


def _copy_static_files(files: Files, previous: PreviousSite) -> None:
    """MkDocs' copy_static_files, linking what the previous site already holds."""
    for file in files:
        if file.is_documentation_page() or not file.inclusion.is_included():
            continue
        generated = getattr(file, "_content", None) is not None
        if generated or not previous.static(file.dest_uri, file.abs_src_path, file.abs_dest_path):
            file.copy_file()


def _write_templates(config: MkDocsConfig, env: Any, files: Files, nav: Any, previous: PreviousSite,
                     key: str) -> dict[str, str]:
    """The theme's static templates (404.html, sitemap.xml), linked from the previous site when unchanged.

    They depend only on what every page depends on and the build date (``key``). Returns the files written,
    with that key, for the previous-site manifest.
    """
    from mkdocs.commands.build import _build_theme_template

    written: dict[str, str] = {}
    for template in config.theme.static_templates:
        outputs_of = [template, f"{template}.gz"] if template == "sitemap.xml" else [template]
        targets = [os.path.join(config.site_dir, rel) for rel in outputs_of]
        if not (all(previous.holds(rel, key) for rel in outputs_of)
                and all(previous.template(rel, key, dest) for rel, dest in zip(outputs_of, targets, strict=True))):
            for dest in targets:  # drop a partial link: the build must never write into a linked file
                if os.path.lexists(dest):
                    os.unlink(dest)
            _build_theme_template(template, env, files, config, nav)
        written.update({rel: key for rel in outputs_of if os.path.exists(os.path.join(config.site_dir, rel))})
    return written


def _counted(level: str, n: int) -> str:
    """``3 warnings``: how many messages of a logging level stopped a strict build."""
    if level == "ERROR":
        return ngettext("{n} error", "{n} errors", n).format(n=n)
    if level == "WARNING":
        return ngettext("{n} warning", "{n} warnings", n).format(n=n)
    return f"{n} {level.lower()}s"
