"""Build stage: write the pages and charts, run MkDocs, and swap the new site in.

The site is built into a temporary folder next to ``site/`` and moved into
place only when the whole build succeeded, so a failed build leaves the
previous site untouched. Every folder and file written, moved or deleted is
checked first (generator/workdir.py): no symlink is followed, the site folder
is replaced only when partnerbook built it, and one build runs at a time.
Markdown files are rewritten only when their content changed, charts come
from a content-addressed cache, and MkDocs renders only the pages whose
Markdown (or anything global to the build) changed: the others come from the
page cache of generator/site/mkdocs_build.py, which also draws the missing charts in
the same process pool. A rebuild gives the same bytes as a full build.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import stat
import subprocess
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from generator import i18n, templates_dir, workdir
from generator.errors import PartnerbookError
from generator.i18n import _
from generator.progress import SILENT, Progress
from generator.site import fingerprint, stamp
from generator.site import mkdocs_build as site_build

# The records, KPIs, templates and MkDocs are imported where a build needs them, so a build with nothing to
# do (generator/site/fingerprint.py) starts in a fraction of a second.

WORK_DIR = workdir.WORK_DIR
READ_CACHE = "records.json"
ASSETS = templates_dir() / "assets"


@dataclass
class BuildReport:
    site_dir: Path
    pages: int
    charts: int
    charts_drawn: int
    problems: int
    seconds: dict[str, float]
    pages_rendered: int = 0  # by MkDocs in this build
    pages_cached: int = 0  # taken from the page cache
    linked: int = 0  # files hard-linked from the previous site
    unchanged: bool = False  # nothing changed since the last build: nothing was done
    restamped: bool = False  # only the commit changed: the last site, with the new commit written into its pages
    pages_written: int = 0  # page Markdown rendered from its template (its inputs changed)
    pages_reused: int = 0  # page Markdown taken from docs (generator/site/page_memo.py)


def _commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ, so unchanged files keep their mtime.

    ``path`` lies in a folder partnerbook checked: a symlink there is replaced, never followed.
    """
    if workdir.read_regular(path) == data:
        return False
    workdir.make_dirs(path.parent)
    workdir.write_atomic(path, data)
    return True


def _sync_tree(files: dict[str, bytes], folder: Path, links: dict[str, Path] | None = None) -> None:
    """Make ``folder`` hold exactly ``files`` (relative posix path -> bytes) and ``links``.

    ``links`` maps relative paths to content-addressed files (charts): they are hard-linked (or
    copied) when missing, and kept when present; one not drawn yet is kept out of the way for now.
    Symlinks and special files in ``folder`` are removed first (never followed), so nothing written
    below it can land outside, and nothing outside is ever deleted.
    """
    links = links or {}
    workdir.clear_links(folder)
    for rel, data in files.items():
        _write_if_changed(folder / rel, data)
    for rel, source in links.items():
        _link(source, folder / rel)
    wanted = {os.path.join(folder, rel) for rel in files} | {os.path.join(folder, rel) for rel in links}
    for top, dirs, names in os.walk(folder, topdown=False, followlinks=False):
        for name in names:
            path = os.path.join(top, name)
            if path not in wanted:
                os.unlink(path)
        for name in dirs:
            path = os.path.join(top, name)
            if not os.path.islink(path) and not os.listdir(path):
                os.rmdir(path)


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev)


def _link(source: Path, target: Path) -> None:
    """Put a content-addressed file at ``target``: a hard link to (or a copy of) ``source``.

    A file already at ``target`` is kept only when it is ``source`` itself or holds its very bytes: a
    file shipped in the work folder under a chart's name never reaches the site.
    """
    try:
        source_stat = os.stat(source)
    except OSError:
        return
    if not stat.S_ISREG(source_stat.st_mode):
        return
    try:
        target_stat = os.lstat(target)
    except FileNotFoundError:
        target_stat = None
    if target_stat is not None and stat.S_ISREG(target_stat.st_mode):
        if _same_file(source_stat, target_stat):
            return
        if target_stat.st_size == source_stat.st_size and workdir.read_regular(target) == source.read_bytes():
            return
    workdir.make_dirs(target.parent)
    if target_stat is not None and stat.S_ISDIR(target_stat.st_mode):
        workdir.remove(target)
    temp = target.with_name(f".{target.name}.{os.urandom(8).hex()}.tmp")
    try:
        os.link(source, temp)
    except OSError:
        workdir.write_atomic(target, source.read_bytes())
        return
    try:
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _run_mkdocs(config_data: dict[str, Any], config_path: Path, cache_dir: Path | None,
                prepared: Prepared | None = None, jobs: int | None = None,
                previous_site: Path | None = None, progress: Progress = SILENT) -> site_build.BuildStats:
    """Build with MkDocs (see generator/site/mkdocs_build.py); problems become a PartnerbookError."""
    from mkdocs import exceptions

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logger = logging.getLogger("mkdocs")
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    handler = _Collect()
    logger.addHandler(handler)
    previous, logger.propagate = logger.propagate, False
    try:
        return site_build.build(config_data, config_path, cache_dir,
                                charts=prepared.pending if prepared else (),
                                chart_docs=prepared.place_charts if prepared else None, jobs=jobs,
                                previous_site=previous_site, progress=progress)
    except (exceptions.MkDocsException, exceptions.Abort, exceptions.ConfigurationError) as exc:
        detail = "\n".join(f"  {m}" for m in messages[:20])
        raise PartnerbookError((_("MkDocs could not build the site: {error}").format(error=exc)
                                + f"\n{detail}").rstrip()) from None
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


def _restamp(root: Path, target: Path, old: str, new: str) -> None:
    """The last build's site and docs with a new commit in their pages (generator/site/stamp.py).

    Called only when the fingerprint shows that nothing but the commit changed and the site and docs are
    exactly the files the last build wrote. The new site is made beside the old one (pages written anew,
    every other file hard-linked) and swapped in, as a build does; the docs are rewritten in place.
    """
    docs = workdir.work_dir(root, "docs")
    for top, _dirs, names in os.walk(docs, followlinks=False):
        for name in names:
            path = Path(top) / name
            data = workdir.read_regular(path) if name.endswith(".md") else None
            if data is not None:
                _write_if_changed(path, stamp.restamp(data, "commit", old, new))
    tmp_site = workdir.new_build_dir(target)
    try:
        for top, dirs, names in os.walk(target, followlinks=False):
            rel_top = Path(top).relative_to(target)
            for name in dirs:
                (tmp_site / rel_top / name).mkdir()
            for name in names:
                source, dest = Path(top) / name, tmp_site / rel_top / name
                data = workdir.read_regular(source) if name.endswith(".html") else None
                if data is not None:
                    dest.write_bytes(stamp.restamp(data, "commit", old, new))
                else:
                    _link(source, dest)
        _swap(tmp_site, target)
    finally:
        workdir.remove_tree(tmp_site)


def _swap(new: Path, target: Path) -> None:
    """Move the finished site into place; the old one is removed only after the move."""
    workdir.swap(new, target)


@dataclass
class Prepared:
    """Pages and charts written to ``docs``, and the MkDocs configuration that builds them.

    ``pending`` holds the (spec, cache path) jobs of charts not drawn yet (``prepare_docs(draw=False)``);
    once they are drawn, ``place_charts`` puts them into ``docs``.
    """

    computed: Any
    docs: Path
    config: dict[str, Any]
    pages: int
    charts: int
    charts_drawn: int
    chart_files: dict[str, Path] = field(default_factory=dict)
    pending: list[tuple[Any, Path]] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)  # repository files mkdocs.yml brings in (logo, CSS)
    pages_reused: int = 0  # pages whose inputs had not changed: taken from docs, not rendered

    def place_charts(self) -> None:
        for rel, source in self.chart_files.items():
            _link(source, self.docs / rel)


def prepare_docs(root: Path, today: date, jobs: int | None = None,
                 timings: dict[str, float] | None = None, draw: bool = True, progress: Progress = SILENT,
                 commit: str | None = None) -> Prepared:
    """Validate, compute, draw and render every page into ``root/.partnerbook/docs``.

    With ``draw=False`` the charts missing from the cache are left in ``Prepared.pending`` for the
    caller to draw (``build_site`` draws them in the pool that renders the pages).
    """
    from generator.compute.portfolio import compute_portfolio
    from generator.draw import chart_draw
    from generator.site import downloads, page_memo, pages
    from generator.site.mkdocs_config import mkdocs_config, read_repository_config
    from generator.site.repo_links import repo_links

    timings = timings if timings is not None else {}
    progress.stage(_("reading and checking the records"))
    step = time.perf_counter()
    cache_root = workdir.work_dir(root, "cache")
    workdir.remove(cache_root / "records.pickle")  # the old pickled cache: never read again
    computed = compute_portfolio(root, today, cache_root / READ_CACHE, release=True)
    timings["load, validate, compute"] = time.perf_counter() - step

    stamp = {"today": today.isoformat(), "commit": commit if commit is not None else _commit(root)}
    progress.stage(_("writing the pages"))
    step = time.perf_counter()
    settings = computed.portfolio.settings.site
    # The checked mkdocs.yml (generator/site/mkdocs_config.py): its repo_url links the pages to the records;
    # its logo, favicon and CSS go into docs.
    repository = read_repository_config(root, trusted=settings.trust_mkdocs_yml)
    links = repo_links(repository.whole or repository.values, settings.repo_url, settings.repo_branch)
    plan, specs = pages.plan(computed, stamp, links)
    # Only pages whose inputs changed are rendered; the others come from docs (generator/site/page_memo.py).
    memo = page_memo.Memo(root, fingerprint.code())
    files = memo.render(plan)
    page_count = len(plan)
    del plan
    files.update(downloads.csv_files(pages.download_tables(computed)))  # docs/downloads/*.csv
    for asset in sorted(ASSETS.rglob("*")):
        if asset.is_file():
            files[f"assets/{asset.relative_to(ASSETS).as_posix()}"] = asset.read_bytes()
    timings["render pages"] = time.perf_counter() - step

    step = time.perf_counter()
    cache = workdir.work_dir(root, "cache", "charts")
    paths, missing = chart_draw.plan_charts(specs, cache)
    drawn = 0
    if draw:
        progress.stage(_("drawing the charts"))
        chart_draw.render_charts(specs, cache, jobs)
        drawn, missing = len(missing), []
    chart_files = {f"{pages.CHART_DIR}/{key}.svg": path for key, path in paths.items()}
    timings["charts"] = time.perf_counter() - step

    step = time.perf_counter()
    docs = workdir.work_dir(root, "docs")
    _sync_tree({**repository.files, **files}, docs, chart_files)
    memo.save()
    # The theme speaks the language partnerbook's own text is written in, so the page's lang matches it.
    config = mkdocs_config(root, docs.resolve(), root.resolve() / "site", settings.title, i18n.current(),
                           repository=repository)
    timings["write pages"] = time.perf_counter() - step
    return Prepared(computed, docs, config, page_count, len(paths), drawn, chart_files, missing,
                    sorted(repository.files), pages_reused=memo.reused)


def write_config(root: Path, config: dict[str, Any], name: str = "mkdocs.yml") -> Path:
    path = workdir.work_dir(root) / name
    text = yaml.safe_dump(config, sort_keys=True, allow_unicode=True)
    _write_if_changed(path, text.encode("utf-8"))
    return path


def build_site(root: Path, today: date, site_dir: Path | None = None, jobs: int | None = None,
               progress: Progress = SILENT) -> BuildReport:
    """Validate, compute, draw, render and build the site into ``site_dir`` (default ``root/site``).

    MkDocs builds into a temporary folder beside the target, which replaces
    the target only when everything succeeded. The target must be missing, empty or a site
    partnerbook built (generator/workdir.py); one build per repository runs at a time.
    """
    target = workdir.site_target(root, site_dir)
    try:
        with workdir.build_lock(root):
            return _build_locked(root, today, target, jobs, progress)
    finally:
        progress.finish()


APART_MIN = 500  # partner folders from which the pages are prepared in a child process (_prepare_apart)


class _Relay(Progress):
    """The progress of a child process, sent to its parent, which shows it."""

    def __init__(self, out: Any, verbose: bool) -> None:
        self.out = out
        self.verbose = verbose

    def _send(self, *call: Any) -> None:
        pickle.dump(("progress", call), self.out)
        self.out.flush()

    def stage(self, name: str) -> None:
        self._send("stage", name)

    def start(self, kind: str, total: int) -> None:
        self._send("start", kind, total)

    def advance(self, kind: str, n: int = 1) -> None:
        self._send("advance", kind, n)

    def note(self, text: str) -> None:
        self._send("note", text)


def _partner_folders(root: Path) -> int:
    try:
        with os.scandir(root / "partners") as entries:
            return sum(1 for entry in entries if entry.is_dir(follow_symlinks=False))
    except OSError:
        return 0


def _prepare_apart(root: Path, today: date, jobs: int | None, timings: dict[str, float], progress: Progress,
                   commit: str) -> tuple[Prepared, int, bool]:
    """``prepare_docs`` in a forked child that exits before MkDocs starts: (prepared, problems, trusted).

    Reading the records, computing and rendering the pages hold most of a big build's memory, and a process
    keeps much of what it freed; MkDocs and its forked workers would carry it all. The child sends back
    what the rest of the build reads (``Prepared`` without the computed portfolio, the number of problems,
    whether mkdocs.yml is trusted, its timings, the language the records chose) and its progress, which
    this process shows; an error raised in the child is raised here.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                try:
                    child_timings: dict[str, float] = {}
                    prepared = prepare_docs(root, today, jobs, child_timings, draw=False,
                                            progress=_Relay(out, progress.verbose), commit=commit)
                    computed, prepared.computed = prepared.computed, None
                    answer: tuple[str, Any] = ("done", (prepared, len(computed.result.problems),
                                                        computed.portfolio.settings.site.trust_mkdocs_yml,
                                                        child_timings, i18n.current()))
                except BaseException as exc:  # noqa: BLE001 - raised again in the parent
                    answer = ("error", exc)
                try:
                    data = pickle.dumps(answer)
                except Exception:  # noqa: BLE001 - an error that cannot be sent: its traceback can
                    data = pickle.dumps(("error", RuntimeError("".join(traceback.format_exception(answer[1])))))
                out.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    reply: tuple[str, Any] | None = None
    try:
        with os.fdopen(read_end, "rb") as reader:
            while True:
                try:
                    kind, payload = pickle.load(reader)
                except EOFError:
                    break
                if kind == "progress":
                    getattr(progress, payload[0])(*payload[1:])
                else:
                    reply = (kind, payload)
    except BaseException:  # Ctrl-C, a broken display: the child stops too
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
        raise
    finally:
        _pid, wait_status = os.waitpid(pid, 0)
    if reply is None:
        raise PartnerbookError(_("preparing the pages stopped unexpectedly (exit status {status})").format(
            status=os.waitstatus_to_exitcode(wait_status)))
    if reply[0] == "error":
        raise reply[1]
    prepared, problems, trusted, child_timings, language = reply[1]
    timings.update(child_timings)
    i18n.use(language)  # the team's language, as reading the records chose it
    return prepared, problems, trusted


def _build_locked(root: Path, today: date, target: Path, jobs: int | None, progress: Progress) -> BuildReport:
    timings: dict[str, float] = {}
    workdir.clean_leftovers(target)
    step = time.perf_counter()
    commit = _commit(root)
    last = fingerprint.last(root)
    assets = last.assets if last is not None else []
    before = fingerprint.inputs(root, today, target, assets)  # taken before anything is read
    if last is not None and last.inputs == before and fingerprint.outputs_intact(root, target, last):
        # Nothing but (perhaps) the commit changed since the last build, and its site is as it left it.
        report = BuildReport(target, last.report.pages, last.report.charts, 0, last.report.problems, timings)
        if last.commit == commit:
            report.unchanged = True
            timings["fingerprint"] = time.perf_counter() - step
            return report
        if "unknown" not in (commit, last.commit):  # a new commit: every page shows it, nothing else differs
            words = stamp.commit_words(commit)
            _restamp(root, target, last.commit_words, words)
            fingerprint.remember(root, before, commit, words, target, assets, last.report)
            report.restamped = True
            timings["new commit written into the pages"] = time.perf_counter() - step
            return report
    fingerprint.forget(root)
    timings["fingerprint"] = time.perf_counter() - step
    if _partner_folders(root) >= APART_MIN:
        prepared, problems, trusted = _prepare_apart(root, today, jobs, timings, progress, commit)
    else:
        prepared = prepare_docs(root, today, jobs, timings, draw=False, progress=progress, commit=commit)
        problems = len(prepared.computed.result.problems)
        trusted = prepared.computed.portfolio.settings.site.trust_mkdocs_yml
        prepared.computed = None  # what MkDocs and its workers need not carry
    progress.stage(_("building the site with MkDocs"))
    step = time.perf_counter()
    target = workdir.site_target(root, target)  # checked again: the build may have waited for the lock
    tmp_site = workdir.new_build_dir(target)
    config = {**prepared.config, "site_dir": str(tmp_site)}
    config_path = write_config(root, config, "mkdocs.build.yml")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    # Sitemap dates and gzip headers come from SOURCE_DATE_EPOCH: pin them to the build's date.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.combine(today, datetime.min.time(),
                                                               tzinfo=UTC).timestamp()))
    try:
        # The previous site is linked from only when it is partnerbook's (generator/site/reuse.py).
        stats = _run_mkdocs(config, config_path, workdir.work_dir(root, "cache", "pages"), prepared, jobs, target,
                            progress)
        _swap(tmp_site, target)
        if prepared.pending:
            from generator.draw.chart_draw import record_charts

            record_charts(workdir.work_dir(root, "cache", "charts"),
                          {path.stem: path for path in prepared.chart_files.values()},
                          [path for _spec, path in prepared.pending])
    finally:
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
        workdir.remove_tree(tmp_site)
        workdir.remove(config_path)
    timings["mkdocs and charts"] = time.perf_counter() - step
    if set(prepared.assets) == set(assets) and not prepared.config.get("hooks") and not trusted:
        # The next build with the same fingerprint has nothing to do (generator/site/fingerprint.py).
        fingerprint.remember(root, before, commit, stamp.commit_words(commit), target, prepared.assets,
                             fingerprint.LastBuild(prepared.pages, prepared.charts, problems))
    return BuildReport(target, prepared.pages, prepared.charts, len(prepared.pending),
                       problems, timings, stats.rendered, stats.cached, linked=stats.linked,
                       pages_written=prepared.pages - prepared.pages_reused, pages_reused=prepared.pages_reused)


def serve_site(root: Path, today: date, dev_addr: str, progress: Progress = SILENT) -> None:
    """Live preview: MkDocs serve with a hook that regenerates pages from the records on every change
    (and says where the preview is served and what each rebuild did: generator/site/serve_hook.py)."""
    from mkdocs.commands.serve import serve

    from generator.site import serve_hook

    files = serve_hook.watched_files(root)  # before the records are read: a change made meanwhile rebuilds
    with workdir.build_lock(root):
        prepared = prepare_docs(root, today, progress=progress)
    serve_hook.begin(root, today, progress, files)
    watched = [str(root / name) for name in ("partners", "campaigns", "partnerbook.yml") if (root / name).exists()]
    hook = Path(__file__).with_name("serve_hook.py")
    preview = root / WORK_DIR / "preview"
    config = {**prepared.config, "site_dir": str(preview.resolve()), "watch": watched,
              # The repository's own hooks are in the configuration only in trusted mode.
              "hooks": [*prepared.config.get("hooks", []), str(hook)],
              "dev_addr": dev_addr, "strict": False}
    config_path = write_config(root, config, "mkdocs.serve.yml")
    os.environ["PARTNERBOOK_ROOT"] = str(root)
    os.environ["PARTNERBOOK_TODAY"] = today.isoformat()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        serve(config_file=str(config_path), livereload=True)
    finally:
        progress.finish()
