"""Benchmark the site build: a cold build beside a bare ``mkdocs build`` and the rebuilds CI does, side by side.

Usage:
    python benchmarks/bench_build.py [--partners 100 1000 5000] [--runs 3] [--jobs N]
                                     [--scenarios cold,bare,...] [--skip charts,...] [--no-check]
                                     [--out benchmarks/out/bench-build]
    python benchmarks/bench_build.py --partners 20000 --runs 1 --scenarios cold,nochange

For every size in ``--partners`` it generates a portfolio (benchmarks/generate_portfolio.py) under
OUT/p<N>/portfolio, makes it a git repository with one commit (the build stamps the commit), and runs
``--runs`` rounds. Each round measures these scenarios one after the other (those left out with
``--scenarios``/``--skip`` are not run):

  cold      ``partnerbook build``: no .partnerbook/ (no cache of any kind) and no site/
  bare      a bare ``mkdocs build`` of the very pages the first cold build wrote (a copy of
            .partnerbook/docs) with the same configuration; even rounds run it before the cold
            build, so neither always goes first
  charts    a cold build whose chart cache is kept (everything else removed): cold minus this is
            what drawing the charts costs
  nochange  a real no-change rebuild: nothing touched since the previous build
  partner   one partner file changed (its description): edit, build (measured), then restore and
            build again (not measured) so the next scenario starts clean
  commit    a new commit (``git commit --allow-empty``), build
  today     the next day (``--today`` + 1), build; then back to the benchmark's day (not measured)
  settings  a threshold in partnerbook.yml changed (``alerts.sla.attainment`` 0.9 -> 0.85), build;
            then restore (not measured)

Every measurement runs under GNU ``/usr/bin/time -v``: wall clock, CPU (user + system; GNU time counts
the descendants it waited for, i.e. the build's pool workers) and the largest single process's maximum
RSS; a sampler polls /proc every 50 ms for the whole process group and keeps the peak of its summed PSS
(the memory the tree really holds: pages a forked worker shares with its parent are split between them)
and of its summed RSS (shared pages counted once per process). "Peak memory" below is the PSS one.

Ratios are taken pair by pair, within a round (cold / bare of the same round, each rebuild / the cold
build of the same round); the three runs of each ratio are printed with their median. In the first
round each rebuild's site is compared with a clean build of the same inputs (the work folder moved
aside, a build into OUT/p<N>/clean-site): they must be byte-identical. Everything goes to
OUT/results.json, every command's output to OUT/p<N>/logs/.

The machine is shared and has 2 cores: wall clock depends on what else runs (the load average is
printed), CPU time much less. The measured commands run with byte-code caching on (PYTHONPYCACHEPREFIX
under OUT, warmed up once), as an installed tool does, whatever PYTHONDONTWRITEBYTECODE says.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from generate_portfolio import generate
from timing import TIME, Sample, export, measure, tool

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = date(2026, 11, 25)
SCENARIOS = {  # name: label, in the order a round runs them (cold and bare alternate)
    "cold": "cold build",
    "bare": "bare mkdocs build",
    "charts": "cold, charts cached",
    "nochange": "rebuild, no change",
    "partner": "rebuild, 1 partner",
    "commit": "rebuild, new commit",
    "today": "rebuild, new --today",
    "settings": "rebuild, settings",
}
REBUILDS = ("nochange", "partner", "commit", "today", "settings")
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
TARGETS = """targets (issue 14):
  1,000 partners: cold build CPU <= 1.5x bare mkdocs CPU; wall <= 1.0x on 2 cores;
                  no-change rebuild about 1 s; charts (cold - charts cached) <= 10% of cold CPU
  5,000 partners: peak memory (tree PSS) <= 600 MB
  20,000 partners: report time and memory"""


# ---------------------------------------------------------------------------- inputs


def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder``: relative path -> sha256 of its bytes (symlinks by their target)."""
    found = {}
    for top, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(top, name)
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = "symlink:" + os.readlink(path)
            else:
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def _git(portfolio: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=portfolio, check=True, capture_output=True)


def _edit_partner(portfolio: Path, text: str | None) -> None:
    """Set the description of the first partner (``None``: put the original bytes back)."""
    path = sorted(portfolio.glob("partners/*/partner.yaml"))[0]
    original = path.with_name(".partner.yaml.orig")
    if text is None:
        if original.exists():
            shutil.copyfile(original, path)
            original.unlink()
        return
    if not original.exists():
        shutil.copyfile(path, original)
    data = yaml.safe_load(original.read_text(encoding="utf-8"))
    data["description"] = text
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _edit_settings(portfolio: Path, change: bool) -> None:
    """Lower the SLA-attainment alert threshold in partnerbook.yml (``False``: put the original bytes back)."""
    path = portfolio / "partnerbook.yml"
    original = portfolio / ".partnerbook.yml.orig"
    if not change:
        if original.exists():
            shutil.copyfile(original, path)
            original.unlink()
        return
    if not original.exists():
        shutil.copyfile(path, original)
    data = yaml.safe_load(original.read_text(encoding="utf-8")) or {}
    data.setdefault("alerts", {}).setdefault("sla", {})["attainment"] = 0.85
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def bare_config(portfolio: Path, docs: Path, site: Path, source: Path) -> dict[str, Any]:
    """partnerbook's MkDocs configuration for ``docs``, as ``partnerbook build`` writes it."""
    sys.path.insert(0, str(source))
    from generator.site.mkdocs_config import mkdocs_config

    settings = yaml.safe_load((portfolio / "partnerbook.yml").read_text(encoding="utf-8")) or {}
    site_settings = settings.get("site") or {}
    return mkdocs_config(portfolio, docs, site, site_settings.get("title", "Partnerships"),
                         site_settings.get("language", "en"))


def _epoch(day: date) -> str:
    return str(int(datetime.combine(day, datetime.min.time(), tzinfo=UTC).timestamp()))


def _env(out: Path, source: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=str(out / "pycache"), NO_MKDOCS_2_WARNING="1")
    if source != REPO:  # a frozen export of the sources: first on the path, before the installed package
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(source), env.get("PYTHONPATH", "")) if p)
        # ``python -m generator`` would put the working folder first on the path: run from a checkout, the
        # checkout's code (edited meanwhile) would be measured instead of the export.
        env["PYTHONSAFEPATH"] = "1"
    return env


def _short(sample: Sample) -> str:
    tree = "" if sample.tree_pss_mb is None else (f"  peak PSS {sample.tree_pss_mb:6.0f} MB"
                                                   f" (RSS sum {sample.tree_rss_mb:6.0f}, {sample.processes} procs)")
    return (f"CPU {sample.cpu:7.2f} s (user {sample.user:6.2f} sys {sample.sys:5.2f})  wall {sample.wall:7.2f} s"
            f"  max RSS {sample.rss_mb:6.0f} MB{tree}  exit {sample.exit}")


# ---------------------------------------------------------------------------- one size


class Bench:
    def __init__(self, partners: int, args: argparse.Namespace, partnerbook: list[str], mkdocs: str,
                 source: Path) -> None:
        self.partners, self.args = partners, args
        self.out = args.out.resolve() / f"p{partners}"
        self.portfolio, self.logs = self.out / "portfolio", self.out / "logs"
        self.docs, self.bare_site, self.clean_site = self.out / "docs", self.out / "bare-site", self.out / "clean-site"
        self.partnerbook, self.mkdocs, self.source = partnerbook, mkdocs, source
        self.env = _env(args.out.resolve(), source)
        self.samples: dict[str, list[Sample | None]] = {name: [] for name in SCENARIOS}
        self.checks: dict[str, Any] = {}
        self.outputs: dict[str, str] = {}

    # -- commands

    def build_cmd(self, today: date, site: Path | None = None) -> list[str]:
        jobs = ["--jobs", str(self.args.jobs)] if self.args.jobs else []
        where = ["--site-dir", str(site)] if site else []
        return [*self.partnerbook, "build", "--root", str(self.portfolio), "--today", today.isoformat(),
                "--timings", *where, *jobs]

    def run(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> Sample:
        """Measure ``cmd``; its output goes to logs/<name>.log."""
        log = self.logs / f"{name}.log"
        sample = measure(cmd, log, env=env or self.env, tree=self.args.interval > 0, interval=self.args.interval)
        if sample.exit != 0:
            print(f"    !! {name} exited {sample.exit}; its output: {log}", flush=True)
            tail = log.read_text(encoding="utf-8", errors="replace").strip()[-2000:]
            print("       " + tail.replace("\n", "\n       "))
        return sample

    def unmeasured(self, name: str, cmd: list[str]) -> None:
        with (self.logs / f"{name}.log").open("w", encoding="utf-8") as log:
            done = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env, check=False)
        if done.returncode != 0:
            print(f"    !! {name} (not measured) exited {done.returncode}: {self.logs / name}.log", flush=True)

    def wipe_work(self, keep_charts: bool = False) -> None:
        """Remove the work folder (all caches, or all but the chart cache) and the site."""
        work = self.portfolio / ".partnerbook"
        shutil.rmtree(self.portfolio / "site", ignore_errors=True)
        if not keep_charts:
            shutil.rmtree(work, ignore_errors=True)
            return
        charts = work / "cache" / "charts"
        kept = self.out / "kept-charts"
        shutil.rmtree(kept, ignore_errors=True)
        if charts.exists():
            charts.rename(kept)
        shutil.rmtree(work, ignore_errors=True)
        if kept.exists():
            charts.parent.mkdir(parents=True)
            kept.rename(charts)

    def clean_check(self, scenario: str, today: date) -> dict[str, Any]:
        """Is site/ byte-identical to a clean build of the same inputs? (work folder moved aside meanwhile)."""
        work, stash = self.portfolio / ".partnerbook", self.out / "stash-work"
        shutil.rmtree(stash, ignore_errors=True)
        shutil.rmtree(self.clean_site, ignore_errors=True)
        work.rename(stash)
        try:
            self.unmeasured(f"clean-{scenario}", self.build_cmd(today, self.clean_site))
        finally:
            shutil.rmtree(work, ignore_errors=True)
            stash.rename(work)
        return self.compare(scenario, _tree(self.clean_site), "a clean build", self.clean_site)

    def compare(self, scenario: str, reference: dict[str, str], what: str, folder: Path | None = None,
                ignore: tuple[str, ...] = ()) -> dict[str, Any]:
        """Compare site/ with ``reference`` (the tree of ``folder``); a few differing files are kept in the logs."""
        site = self.portfolio / "site"
        differ = [rel for rel in _differences(reference, _tree(site)) if rel not in ignore]
        for rel in differ[:5] if folder is not None else []:
            for side, base in (("site", site), ("reference", folder)):
                if (base / rel).is_file():
                    (self.logs / f"diff-{scenario}" / side / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(base / rel, self.logs / f"diff-{scenario}" / side / rel)
        result = {"identical": not differ, "against": what, "files": len(reference), "different": differ[:20],
                  "different_count": len(differ)}
        self.checks[scenario] = result
        verdict = "byte-identical" if not differ else f"DIFFERS in {len(differ)} files, e.g. {differ[:5]}"
        print(f"    check: {SCENARIOS[scenario]} site vs {what} ({len(reference)} files): {verdict}", flush=True)
        return result

    # -- scenarios

    def record(self, scenario: str, run: int, sample: Sample) -> None:
        self.samples[scenario].append(sample)
        print(f"  run {run}: {SCENARIOS[scenario]:<21} {_short(sample)}", flush=True)
        if run == 1:
            self.outputs[scenario] = (self.logs / f"{scenario}-{run}.log").read_text(encoding="utf-8", errors="replace")

    def round(self, run: int, wanted: list[str]) -> None:
        check = run == 1 and not self.args.no_check
        built_tree: dict[str, str] | None = None  # the site of the last clean build, if any
        order = [s for s in ("cold", "bare", "charts") if s in wanted]
        if run % 2 == 0 and self.docs.exists() and order[:2] == ["cold", "bare"]:
            order[:2] = ["bare", "cold"]
        if not {"cold", "charts"} & set(wanted) and (run == 1 or not (self.portfolio / "site").exists()):
            self.wipe_work()
            self.unmeasured(f"setup-{run}", self.build_cmd(TODAY))
            built_tree = _tree(self.portfolio / "site") if check else None
        if not self.docs.exists() and (self.portfolio / ".partnerbook" / "docs").exists():
            shutil.copytree(self.portfolio / ".partnerbook" / "docs", self.docs)
        for scenario in order:
            if scenario == "bare":
                if not self.docs.exists():
                    self.wipe_work()
                    self.unmeasured(f"setup-{run}", self.build_cmd(TODAY))
                    shutil.copytree(self.portfolio / ".partnerbook" / "docs", self.docs)
                shutil.rmtree(self.bare_site, ignore_errors=True)
                env = {**self.env, "SOURCE_DATE_EPOCH": _epoch(TODAY)}
                self.record("bare", run, self.run(f"bare-{run}", [self.mkdocs, "build", "-q", "-f",
                                                                  str(self.out / "mkdocs.bare.yml")], env))
                if run == 1 and (self.portfolio / "site").exists() and "bare" not in self.checks:
                    self.compare("bare", _tree(self.bare_site), "the bare mkdocs build of the same pages",
                                 self.bare_site, ignore=(".partnerbook-site",))  # partnerbook's marker file
                continue
            self.wipe_work(keep_charts=scenario == "charts")
            self.record(scenario, run, self.run(f"{scenario}-{run}", self.build_cmd(TODAY)))
            if not self.docs.exists():
                shutil.copytree(self.portfolio / ".partnerbook" / "docs", self.docs)
            if check:
                if scenario == "charts" and built_tree is not None:
                    self.compare("charts", built_tree, "the cold build")
                built_tree = _tree(self.portfolio / "site")

        if "nochange" in wanted:
            self.record("nochange", run, self.run(f"nochange-{run}", self.build_cmd(TODAY)))
            if check:
                if built_tree is not None:
                    self.compare("nochange", built_tree, "the clean build just before")
                else:
                    self.clean_check("nochange", TODAY)
        if "partner" in wanted:
            _edit_partner(self.portfolio, f"Benchmark edit {run}: a partner file changed.")
            try:
                self.record("partner", run, self.run(f"partner-{run}", self.build_cmd(TODAY)))
                if check:
                    self.clean_check("partner", TODAY)
            finally:
                _edit_partner(self.portfolio, None)
            self.unmeasured(f"partner-restore-{run}", self.build_cmd(TODAY))
        if "commit" in wanted:
            _git(self.portfolio, "commit", "-q", "--allow-empty", "-m", f"benchmark: empty commit {run}")
            self.record("commit", run, self.run(f"commit-{run}", self.build_cmd(TODAY)))
            if check:
                self.clean_check("commit", TODAY)
        if "today" in wanted:
            tomorrow = TODAY + timedelta(days=1)
            self.record("today", run, self.run(f"today-{run}", self.build_cmd(tomorrow)))
            if check:
                self.clean_check("today", tomorrow)
            self.unmeasured(f"today-restore-{run}", self.build_cmd(TODAY))
        if "settings" in wanted:
            _edit_settings(self.portfolio, True)
            try:
                self.record("settings", run, self.run(f"settings-{run}", self.build_cmd(TODAY)))
                if check:
                    self.clean_check("settings", TODAY)
            finally:
                _edit_settings(self.portfolio, False)
            self.unmeasured(f"settings-restore-{run}", self.build_cmd(TODAY))

    def bench(self, wanted: list[str]) -> dict[str, Any]:
        args = self.args
        print(f"\n== {self.partners} partners: {args.campaigns} campaigns (seed {args.seed}) in {self.portfolio}; "
              f"load average {os.getloadavg()[0]:.2f}", flush=True)
        for stale in (self.portfolio, self.docs, self.bare_site, self.clean_site, self.out / "stash-work",
                      self.logs):
            shutil.rmtree(stale, ignore_errors=True)
        self.logs.mkdir(parents=True)
        generate(self.portfolio, self.partners, args.campaigns, args.seed)
        _git(self.portfolio, "init", "-q")
        _git(self.portfolio, "add", "partners", "campaigns", "partnerbook.yml")
        _git(self.portfolio, "commit", "-q", "-m", f"benchmark portfolio: {self.partners} partners")
        (self.out / "mkdocs.bare.yml").write_text(
            yaml.safe_dump(bare_config(self.portfolio, self.docs, self.bare_site, self.source), sort_keys=True,
                           allow_unicode=True),
            encoding="utf-8")
        for run in range(1, args.runs + 1):
            self.round(run, wanted)
            # What the rounds so far measured, in case a long run is stopped before the end.
            (self.out / "partial.json").write_text(json.dumps(self.result(wanted), indent=2) + "\n", encoding="utf-8")
        return self.result(wanted)

    # -- figures

    def ratios(self) -> dict[str, list[float | None]]:
        """Pair-by-pair ratios: each round's figures divided by the same round's."""
        def per_run(top: str, bottom: str, value: str) -> list[float | None]:
            pairs = zip(self.samples[top], self.samples[bottom], strict=False)
            return [getattr(a, value) / getattr(b, value) if a.exit == 0 == b.exit and getattr(b, value) else None
                    for a, b in pairs]

        found: dict[str, list[float | None]] = {}
        if self.samples["cold"] and self.samples["bare"]:
            found["cold / bare, CPU"] = per_run("cold", "bare", "cpu")
            found["cold / bare, wall"] = per_run("cold", "bare", "wall")
        if self.samples["cold"] and self.samples["charts"]:
            found["charts share of cold CPU: (cold - charts cached) / cold"] = [
                (c.cpu - k.cpu) / c.cpu if c.exit == 0 == k.exit and c.cpu else None
                for c, k in zip(self.samples["cold"], self.samples["charts"], strict=False)]
        for name in REBUILDS:
            if self.samples["cold"] and self.samples[name]:
                found[f"{name} / cold, CPU"] = per_run(name, "cold", "cpu")
                found[f"{name} / cold, wall"] = per_run(name, "cold", "wall")
        return found

    def result(self, wanted: list[str]) -> dict[str, Any]:
        medians = {}
        for name, samples in self.samples.items():
            got = [s for s in samples if s is not None and s.exit == 0]
            if not got:
                if samples:
                    medians[name] = {"cpu": None, "wall": None, "user": None, "sys": None, "max_rss_mb": None,
                                     "peak_pss_mb": None, "peak_pss_mb_max": None, "peak_rss_sum_mb": None,
                                     "exit": max(s.exit for s in samples if s is not None), "failed": len(samples)}
                continue
            tree = [s.tree_pss_mb for s in got if s.tree_pss_mb is not None]
            medians[name] = {
                "cpu": statistics.median(s.cpu for s in got), "wall": statistics.median(s.wall for s in got),
                "user": statistics.median(s.user for s in got), "sys": statistics.median(s.sys for s in got),
                "max_rss_mb": statistics.median(s.rss_mb for s in got),
                "peak_pss_mb": statistics.median(tree) if tree else None,
                "peak_pss_mb_max": max(tree) if tree else None,
                "peak_rss_sum_mb": max((s.tree_rss_mb or 0 for s in got), default=None),
                "exit": max(s.exit for s in samples if s is not None), "failed": len(samples) - len(got)}
        ratios = self.ratios()
        return {"partners": self.partners, "scenarios": wanted, "median": medians,
                "samples": {k: [asdict(s) | {"cpu": s.cpu} for s in v if s] for k, v in self.samples.items() if v},
                "ratios": {k: {"runs": v, "median": _median(v)} for k, v in ratios.items()},
                "checks": self.checks, "output_run_1": self.outputs}


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


# ---------------------------------------------------------------------------- report


def report(results: list[dict[str, Any]], runs: int) -> None:
    for result in results:
        n, m = result["partners"], result["median"]
        print(f"\n== {n} partners: median of {runs} run(s)")
        print(f"  {'scenario':<22} {'CPU s':>8} {'wall s':>8} {'user s':>8} {'sys s':>7} {'max RSS MB':>11}"
              f" {'peak PSS MB':>12} {'RSS sum MB':>11} {'exit':>5}")
        for name, label in SCENARIOS.items():
            if name in m:
                f = m[name]
                print(f"  {label:<22} {_fmt(f['cpu']):>8} {_fmt(f['wall']):>8} {_fmt(f['user']):>8} {_fmt(f['sys']):>7}"
                      f" {_fmt(f['max_rss_mb'], '.0f'):>11} {_fmt(f['peak_pss_mb'], '.0f'):>12}"
                      f" {_fmt(f['peak_rss_sum_mb'], '.0f'):>11}"
                      f" {f['exit']:>5}")
        if result["ratios"]:
            print(f"  ratios, pair by pair within a round ({', '.join(f'run {i + 1}' for i in range(runs))}"
                  " -> median):")
            for name, ratio in result["ratios"].items():
                cells = "  ".join(_fmt(v, ".3f") for v in ratio["runs"])
                print(f"    {name:<56} {cells}  -> {_fmt(ratio['median'], '.3f')}")
        for name, check in result["checks"].items():
            verdict = "byte-identical" if check["identical"] else f"DIFFERENT ({check['different_count']} files)"
            print(f"  site check, {SCENARIOS[name]}: vs {check['against']}: {verdict}")
        failed = [f"{SCENARIOS[k]} ({f['failed']} of {runs})" for k, f in m.items() if f["failed"]]
        if failed:
            print(f"  FAILED RUNS (left out of medians and ratios): {', '.join(failed)}; see the logs")
        for name in ("cold", "nochange", "partner"):
            if name in result["output_run_1"]:
                text = result["output_run_1"][name].strip().replace("\n", "\n      ")
                print(f"  output of {SCENARIOS[name]}, run 1:\n      {text}")

    print("\nside by side (medians; CPU s / wall s; peak = tree PSS MB of partnerbook's runs, bare mkdocs apart)")
    names = [n for n in SCENARIOS if any(n in r["median"] for r in results)]
    print(f"{'partners':>8} " + " ".join(f"{SCENARIOS[n][:21]:>21}" for n in names) + f" {'peak MB':>8} {'bare MB':>8}")
    for result in results:
        m = result["median"]
        cells = " ".join(f"{_fmt(m[n]['cpu'], '.1f') + ' / ' + _fmt(m[n]['wall'], '.1f') if n in m else '-':>21}"
                         for n in names)
        peak, bare = _peaks(m)
        print(f"{result['partners']:>8} {cells} {peak:8.0f} {_fmt(bare, '.0f'):>8}")
    print("\n" + TARGETS)
    for result in results:
        r, m = result["ratios"], result["median"]
        bare_cpu, bare_wall = (_fmt(r[k]["median"]) if k in r else "-"
                               for k in ("cold / bare, CPU", "cold / bare, wall"))
        nochange = _fmt(m["nochange"]["wall"], ".2f") if "nochange" in m else "-"
        nochange_cpu = _fmt(m["nochange"]["cpu"], ".2f") if "nochange" in m else "-"
        charts = r.get("charts share of cold CPU: (cold - charts cached) / cold")
        peak, _bare = _peaks(m)
        print(f"  {result['partners']:>6} partners: cold/bare CPU {bare_cpu}, wall {bare_wall};"
              f" no-change rebuild {nochange} s wall, {nochange_cpu} s CPU;"
              f" charts {_fmt(charts['median'] * 100 if charts and charts['median'] is not None else None, '.0f')}%"
              f" of cold CPU; peak memory of partnerbook's builds {peak:.0f} MB")


def _peaks(medians: dict[str, Any]) -> tuple[float, float | None]:
    """The highest tree PSS of partnerbook's own scenarios (the target), and that of the bare mkdocs build."""
    own = max((f["peak_pss_mb_max"] or 0 for name, f in medians.items() if name != "bare"), default=0)
    bare = medians["bare"]["peak_pss_mb_max"] if "bare" in medians else None
    return own, bare


def warm_up(args: argparse.Namespace, partnerbook: list[str], mkdocs: str, source: Path) -> None:
    """Fill the byte-code cache (PYTHONPYCACHEPREFIX) so no measured run compiles modules."""
    out = args.out.resolve() / "warm-up"
    shutil.rmtree(out, ignore_errors=True)
    generate(out / "portfolio", 3, 2, args.seed)
    env = _env(args.out.resolve(), source)
    for cmd in ([*partnerbook, "build", "--root", str(out / "portfolio"), "--today", TODAY.isoformat()],
                [mkdocs, "--version"]):
        subprocess.run(cmd, env=env, check=False, capture_output=True)


def _describe_tree() -> str:
    """The working tree's commit, and how many of the product's files differ from it."""
    commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO, capture_output=True, text=True,
                            check=False).stdout.strip() or "unknown"
    changed = subprocess.run(["git", "status", "--porcelain", "--", "generator", "site_templates"], cwd=REPO,
                             capture_output=True, text=True, check=False).stdout.splitlines()
    return f"working tree at {commit}" + (f" with {len(changed)} changed files" if changed else "")


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown scenario(s) {unknown}; known: {', '.join(SCENARIOS)}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="partnerbook build, rebuilds and a bare mkdocs build, side by side",
                                     epilog=f"scenarios: {', '.join(f'{k} ({v})' for k, v in SCENARIOS.items())}")
    parser.add_argument("--partners", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--campaigns", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="partnerbook build --jobs (default: every CPU)")
    parser.add_argument("--scenarios", type=_names, default=list(SCENARIOS), help="comma-separated (default: all)")
    parser.add_argument("--skip", type=_names, default=[], help="comma-separated scenarios to leave out")
    parser.add_argument("--no-check", action="store_true", help="skip the byte-identical checks of the first round")
    parser.add_argument("--interval", type=float, default=0.05,
                        help="seconds between memory samples of the process tree (0: no sampler)")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "bench-build")
    parser.add_argument("--source", metavar="REF", default=None,
                        help="benchmark the sources committed at REF (e.g. HEAD), exported under OUT/src-<commit>, "
                             "instead of the working tree, which others may edit during a long run")
    args = parser.parse_args(argv)
    wanted = [s for s in SCENARIOS if s in args.scenarios and s not in args.skip]

    installed, mkdocs = tool("partnerbook"), tool("mkdocs")
    if installed is None or mkdocs is None:
        print("partnerbook and mkdocs must be installed: pip install -e .", file=sys.stderr)
        return 2
    if not TIME.exists():
        print("GNU time is missing (/usr/bin/time): apt-get install time", file=sys.stderr)
        return 2
    if shutil.which("git") is None:
        print("git is missing: the build stamps the commit", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # ends the measured command's group too
    source, partnerbook, described = REPO, [installed], _describe_tree()
    if args.source:
        source, described = export(args.source, args.out.resolve(), REPO)
        partnerbook = [sys.executable, "-m", "generator"]
    commit = described
    found = subprocess.run([*partnerbook, "--version"], env=_env(args.out.resolve(), source), capture_output=True,
                           text=True, check=False)
    if args.source:  # the measured commands must import the export, not the checkout they are started from
        where = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"],
                               env=_env(args.out.resolve(), source), capture_output=True, text=True, check=False)
        if not where.stdout.strip().startswith(str(source)):
            print(f"the measured commands would import {where.stdout.strip()}, not the export {source}")
            return 1
    print(f"partnerbook {found.stdout.strip()} from {source} ({described}); {os.cpu_count()} CPUs; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.runs} run(s); scenarios: {', '.join(wanted)}")
    warm_up(args, partnerbook, mkdocs, source)
    results = []
    path = args.out.resolve() / "results.json"
    for n in args.partners:
        results.append(Bench(n, args, partnerbook, mkdocs, source).bench(wanted))
        path.parent.mkdir(parents=True, exist_ok=True)  # written after every size: a long run keeps what it did
        path.write_text(json.dumps({"commit": commit, "runs": args.runs, "seed": args.seed, "cpus": os.cpu_count(),
                                    "memory": "peak_pss_mb: sampled sum of PSS over the process group",
                                    "results": results}, indent=2) + "\n", encoding="utf-8")
    report(results, args.runs)
    print(f"\nload average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}; raw samples: {path}; "
          f"command output: {args.out.resolve()}/p<N>/logs/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
