"""Benchmark the site build: validate, kpis, a cold build, a bare ``mkdocs build`` and rebuilds, side by side.

Usage:
    python benchmarks/bench_build.py [--partners 100 1000 5000] [--runs 3] [--seed 7] [--jobs N]
                                     [--out benchmarks/out/bench-build]

What it does, for every size in ``--partners``:

1. generates a portfolio with campaigns and SLA history (benchmarks/generate_portfolio.py) under
   OUT/p<N>/portfolio;
2. runs ``--runs`` rounds; each round measures, one after the other on the same machine (GNU
   ``/usr/bin/time -v``: wall clock and maximum resident set size):
   a. ``partnerbook validate --today 2026-11-25``;
   b. ``partnerbook kpis --today 2026-11-25`` (text tables to /dev/null);
   c. ``partnerbook build --today 2026-11-25``, cold: no .partnerbook/ (no chart or page cache) and no
      previous site/;
   d. a bare ``mkdocs build`` of the very pages c. generated (a copy of .partnerbook/docs, taken after the
      first cold build) with the same configuration (partnerbook's mkdocs.yml plus the build's folders,
      title and strict mode), also cold; even rounds run d. before c., so neither always goes first;
   e. ``partnerbook build`` again after one partner file changed (its description; a different text in
      every round), with the cache and site the cold build left;
   f. ``partnerbook build`` again with nothing changed;
3. prints the median of every figure, the ratios the targets are about (full build / bare mkdocs, at
   most 1.5; one-partner rebuild / full build, at most 0.1) and the stage timings of the last cold
   build (``--timings``); checks that the bare MkDocs site and partnerbook's site are byte-identical;
   writes every sample to OUT/results.json.

Other processes on the machine slow every figure; the ratios of figures taken in the same round are
what to compare. ``SOURCE_DATE_EPOCH`` is set for the bare build as partnerbook sets it for its own.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import yaml
from generate_portfolio import generate
from timing import TIME, Sample, measure, median, tool

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = "2026-11-25"
STEPS = ("validate", "kpis", "full build", "bare mkdocs", "rebuild, 1 partner", "rebuild, no change")


def bare_config(portfolio: Path, docs: Path, site: Path) -> dict:
    """partnerbook's MkDocs configuration for ``docs``, as ``partnerbook build`` writes it."""
    sys.path.insert(0, str(REPO))
    from generator.site.mkdocs_config import mkdocs_config

    settings = yaml.safe_load((portfolio / "partnerbook.yml").read_text(encoding="utf-8")) or {}
    site_settings = settings.get("site") or {}
    return mkdocs_config(portfolio, docs, site, site_settings.get("title", "Partnerships"),
                         site_settings.get("language", "en"))


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit_partner(portfolio: Path, text: str | None) -> Path:
    """Set the description of the first partner (``None``: put the original back)."""
    path = sorted(portfolio.glob("partners/*/partner.yaml"))[0]
    original = path.with_name(".partner.yaml.orig")
    if not original.exists():
        shutil.copyfile(path, original)
    if text is None:
        shutil.copyfile(original, path)
        original.unlink()
        return path
    data = yaml.safe_load(original.read_text(encoding="utf-8"))
    data["description"] = text
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def bench_size(partners: int, args: argparse.Namespace, partnerbook: str, mkdocs: str) -> dict:
    out = args.out.resolve() / f"p{partners}"
    portfolio, logs, docs, bare_site = out / "portfolio", out / "logs", out / "docs", out / "bare-site"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"\n== {partners} partners: generating {args.campaigns} campaigns (seed {args.seed}) in {portfolio}",
          flush=True)
    for stale in (portfolio, docs, bare_site):  # pages from an earlier run may carry another commit stamp
        if stale.exists():
            shutil.rmtree(stale)
    generate(portfolio, partners, args.campaigns, args.seed)
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    build = [partnerbook, "build", "--root", str(portfolio), "--today", TODAY, "--timings", *jobs]
    epoch = str(int(datetime.combine(date.fromisoformat(TODAY), datetime.min.time(), tzinfo=UTC).timestamp()))
    bare_env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1"}
    config_file = out / "mkdocs.bare.yml"
    config_file.write_text(yaml.safe_dump(bare_config(portfolio, docs, bare_site), sort_keys=True,
                                          allow_unicode=True), encoding="utf-8")

    def cold_build(run: int) -> Sample:
        for stale in (portfolio / ".partnerbook", portfolio / "site"):
            shutil.rmtree(stale, ignore_errors=True)
        sample = measure(build, logs / f"build-{run}.log")
        if not docs.exists() and sample.exit == 0:  # the pages the bare build builds, from the first cold build
            shutil.copytree(portfolio / ".partnerbook" / "docs", docs)
        return sample

    def bare(run: int) -> Sample:
        shutil.rmtree(bare_site, ignore_errors=True)
        return measure([mkdocs, "build", "-q", "-f", str(config_file)], logs / f"bare-{run}.log", env=bare_env)

    samples: dict[str, list[Sample]] = {step: [] for step in STEPS}
    identical = None
    for run in range(1, args.runs + 1):
        steps = [("validate", lambda r: measure([partnerbook, "validate", "--root", str(portfolio), "--today", TODAY],
                                                logs / f"validate-{r}.log")),
                 ("kpis", lambda r: measure([partnerbook, "kpis", "--root", str(portfolio), "--today", TODAY],
                                            logs / f"kpis-{r}.log"))]
        pair = [("full build", cold_build), ("bare mkdocs", bare)]
        steps += pair if run % 2 or not docs.exists() else pair[::-1]
        for step, action in steps:
            samples[step].append(action(run))
            print(f"  run {run}: {step:<20} {samples[step][-1].wall:8.2f} s {samples[step][-1].rss_mb:8.1f} MB  "
                  f"exit {samples[step][-1].exit}", flush=True)
        if identical is None and bare_site.exists() and (portfolio / "site").exists():
            identical = _tree(bare_site) == _tree(portfolio / "site")
        _edit_partner(portfolio, f"Benchmark edit {run}: a partner file changed.")
        try:
            samples["rebuild, 1 partner"].append(measure(build, logs / f"rebuild-{run}.log"))
        finally:
            _edit_partner(portfolio, None)
        samples["rebuild, no change"].append(measure(build, logs / f"nochange-{run}.log"))
        for step in STEPS[-2:]:
            print(f"  run {run}: {step:<20} {samples[step][-1].wall:8.2f} s {samples[step][-1].rss_mb:8.1f} MB  "
                  f"exit {samples[step][-1].exit}", flush=True)

    medians = {step: median(v) for step, v in samples.items()}
    built = (logs / f"build-{args.runs}.log").read_text(encoding="utf-8")
    rebuilt = (logs / f"rebuild-{args.runs}.log").read_text(encoding="utf-8")
    return {"partners": partners, "median": {k: vars(v) for k, v in medians.items()},
            "samples": {k: [vars(s) for s in v] for k, v in samples.items()},
            "bare_identical": identical, "cold_build_output": built, "rebuild_output": rebuilt}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="partnerbook build against a bare mkdocs build of its pages")
    parser.add_argument("--partners", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--campaigns", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="partnerbook build --jobs (default: every CPU)")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "bench-build")
    args = parser.parse_args(argv)

    partnerbook, mkdocs = tool("partnerbook"), tool("mkdocs")
    if partnerbook is None or mkdocs is None:
        print("partnerbook and mkdocs must be installed: pip install -e .", file=sys.stderr)
        return 2
    if not TIME.exists():
        print("GNU time is missing (/usr/bin/time): apt-get install time", file=sys.stderr)
        return 2
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; median of {args.runs} runs")
    results = [bench_size(n, args, partnerbook, mkdocs) for n in args.partners]

    print(f"\nmedian of {args.runs} runs, wall clock seconds (GNU time -v); {os.cpu_count()} CPUs")
    header = f"{'partners':>8} " + " ".join(f"{step:>18}" for step in STEPS)
    print(header + f" {'build/bare':>10} {'rebuild/build':>13}")
    for result in results:
        m = result["median"]
        full, bare, rebuild = m["full build"]["wall"], m["bare mkdocs"]["wall"], m["rebuild, 1 partner"]["wall"]
        cells = " ".join(f"{m[step]['wall']:18.2f}" for step in STEPS)
        print(f"{result['partners']:>8} {cells} {full / bare:10.2f} {rebuild / full:13.3f}")
    print("targets: build/bare <= 1.5 (full 1,000-partner build), rebuild/build <= 0.1 (one partner changed)")
    print(f"\n{'partners':>8} " + " ".join(f"{step + ' MB':>18}" for step in STEPS))
    for result in results:
        print(f"{result['partners']:>8} " + " ".join(f"{result['median'][s]['rss_mb']:18.0f}" for s in STEPS))
    for result in results:
        failed = [s for s in STEPS if result["median"][s]["exit"] not in (0, 1 if s == "validate" else 0)]
        print(f"\n{result['partners']} partners: bare MkDocs site byte-identical to partnerbook's: "
              f"{result['bare_identical']}" + (f"; non-zero exits: {failed}" if failed else ""))
        print("  last cold build:  " + result["cold_build_output"].strip().replace("\n", "\n    "))
        print("  last rebuild:     " + result["rebuild_output"].strip().replace("\n", "\n    "))
    path = args.out.resolve() / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"runs": args.runs, "seed": args.seed, "results": results}, indent=2) + "\n",
                    encoding="utf-8")
    print(f"\nraw samples: {path}; command output: {args.out.resolve()}/p<N>/logs/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
