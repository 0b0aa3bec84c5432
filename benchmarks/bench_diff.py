"""Benchmark ``partnerbook diff`` against ``partnerbook validate`` on the same generated portfolio.

Usage:
    python benchmarks/bench_diff.py [--partners 1000] [--runs 3] [--seed 7] [--out benchmarks/out/bench-diff]

What it does:

1. generates a portfolio of ``--partners`` partners (benchmarks/generate_portfolio.py) in a git repository
   under OUT/repo, committed on ``main``;
2. makes a pull-request-sized change on a branch: one partner's first compliance document removed, one
   contract's end date moved, one campaign file copied under a new id (committed);
3. measures with GNU ``/usr/bin/time -v`` (wall clock, maximum resident set size):
   a. ``partnerbook validate --today 2026-11-24`` on the branch;
   b. ``partnerbook diff main --today 2026-11-24 --format json`` (both sides: git archive of main,
      validate, KPIs, alerts and health of each, and the comparison);
   c. ``partnerbook validate --new-since main``;
4. repeats the round ``--runs`` times (interleaved) and prints the medians and the ratios to a.
   The target is diff at most 2x validate.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from generate_portfolio import generate
from timing import TIME, Sample, measure, median, tool

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-24"
_GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "bench@example.com", "GIT_CONFIG_GLOBAL": os.devnull}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **_GIT_ENV})


def make_repo(repo: Path, partners: int, campaigns: int, seed: int) -> None:
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    generate(repo, partners, campaigns, seed)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "--", "partners", "campaigns")
    git(repo, "commit", "-q", "-m", "generated portfolio")
    git(repo, "checkout", "-q", "-b", "change")
    profile = sorted(repo.glob("partners/*/partner.yaml"))[0]
    text = profile.read_text(encoding="utf-8")
    start = text.find("\n  - type:")
    if start >= 0:
        end = text.find("\n  - type:", start + 1)
        end = end if end >= 0 else text.find("\n", text.find("\n", start + 1) + 1)
        profile.write_text(text[:start] + text[end:], encoding="utf-8")
    contract = sorted(repo.glob("partners/*/contracts/*.yaml"))[0]
    contract.write_text(re.sub(r"^end: (\d{4})", lambda m: f"end: {int(m.group(1)) + 1}",
                               contract.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    campaign = sorted(repo.glob("campaigns/*.yaml"))[0]
    shutil.copyfile(campaign, campaign.with_name("bench-added.yaml"))
    git(repo, "add", "-A", "--", "partners", "campaigns")
    git(repo, "commit", "-q", "-m", "a pull request")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="partnerbook diff vs validate on the same portfolio")
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--campaigns", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "bench-diff")
    args = parser.parse_args(argv)
    partnerbook = tool("partnerbook")
    if partnerbook is None:
        print("partnerbook is not installed: pip install -e .", file=sys.stderr)
        return 2
    if not TIME.exists():
        print("GNU time is missing (/usr/bin/time): apt-get install time", file=sys.stderr)
        return 2
    out = args.out.resolve()
    repo, logs = out / "repo", out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"generating {args.partners} partners, {args.campaigns} campaigns (seed {args.seed}) in {repo}")
    make_repo(repo, args.partners, args.campaigns, args.seed)
    files = len(list(repo.glob("partners/**/*.yaml"))) + len(list(repo.glob("campaigns/*.yaml")))
    runs = {
        "validate": [partnerbook, "validate", "--today", TODAY, "--root", str(repo)],
        "diff": [partnerbook, "diff", "main", "--today", TODAY, "--format", "json", "--root", str(repo)],
        "validate --new-since": [partnerbook, "validate", "--new-since", "main", "--today", TODAY, "--root",
                                 str(repo)],
    }
    results: dict[str, list[Sample]] = {key: [] for key in runs}
    for run in range(1, args.runs + 1):
        for key, cmd in runs.items():
            sample = measure(cmd, logs / f"{key.replace(' ', '_')}-{run}.log", cwd=repo)
            results[key].append(sample)
            print(f"  run {run}: {key:<24} {sample.wall:7.2f} s {sample.rss_mb:8.1f} MB  exit {sample.exit}",
                  flush=True)
    medians = {key: median(samples) for key, samples in results.items()}
    print(f"\nmedian of {args.runs} runs, {files} files (wall clock, maximum resident set size; GNU time -v)")
    print(f"{'measurement':<28} {'wall s':>8} {'max RSS MB':>11} {'exit':>5}")
    for key, sample in medians.items():
        print(f"{key:<28} {sample.wall:8.2f} {sample.rss_mb:11.1f} {sample.exit:>5}")
    ratio = medians["diff"].wall / medians["validate"].wall
    print(f"\ndiff / validate: {ratio:.2f} (target: at most 2.00)")
    print(f"validate --new-since / validate: {medians['validate --new-since'].wall / medians['validate'].wall:.2f}")
    (out / "results.json").write_text(json.dumps({
        "partners": args.partners, "campaigns": args.campaigns, "seed": args.seed, "runs": args.runs,
        "files": files, "median": {k: vars(v) for k, v in medians.items()}, "diff_over_validate": ratio,
        "samples": {k: [vars(s) for s in v] for k, v in results.items()},
    }, indent=2) + "\n", encoding="utf-8")
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
