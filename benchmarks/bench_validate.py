"""Benchmark ``partnerbook validate`` against ``check-jsonschema`` on the same files.

Usage:
    python benchmarks/bench_validate.py [--partners 1000] [--runs 3] [--seed 7] [--out benchmarks/out/bench-validate]

What it does:

1. generates a portfolio of ``--partners`` partners (benchmarks/generate_portfolio.py) under OUT/portfolio;
2. writes the JSON Schemas with ``partnerbook schema -o OUT/schemas``;
3. measures every command with GNU ``/usr/bin/time -v`` (wall clock and maximum resident set size):
   a. ``partnerbook validate --today 2026-11-24`` on the example portfolio in the repository root;
   b. ``partnerbook validate --today 2026-11-24`` on the generated portfolio (every file: partners,
      contracts, SLAs, campaigns, plus references and the compliance policy);
   c. ``check-jsonschema --schemafile OUT/schemas/<kind>.schema.json <files>`` for the partner,
      contract, SLA and campaign files of the same portfolio, reported separately and summed;
   d. ``partnerbook validate`` on a copy that holds only the partner.yaml files (the closest
      like-for-like to c. on partner files; policy findings about missing contracts are expected);
4. repeats the whole round ``--runs`` times (interleaved) and prints the median of each figure.

Dates: check-jsonschema reads YAML with ruamel.yaml but registers the ``str`` constructor for the
timestamp tag, so ``2026-03-20`` arrives as the string the schema expects (``type: string,
format: date``); no ``--data-transform`` or format option is needed and format checks stay on.

YAML parser: since ruamel.yaml 0.19 its C parser is an optional extra (``ruamel.yaml[oldlibyaml]``,
i.e. ruamel.yaml.clib), so a plain ``pip install check-jsonschema`` parses YAML in pure Python,
which dominates its run time. partnerbook always uses libyaml through PyYAML. The script prints
which parser check-jsonschema uses; ``--check-jsonschema PATH`` measures another installation
(for example one with ruamel.yaml.clib) for a like-for-like parser comparison.

check-jsonschema is not a runtime dependency: install it with ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from generate_portfolio import generate
from timing import TIME, Sample, measure, median, tool

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = "2026-11-24"


def yaml_parser(tool: str) -> str:
    """Which ruamel.yaml parser the check-jsonschema at ``tool`` uses (C or pure Python)."""
    try:
        first = Path(tool).read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    except OSError:
        return "unknown"
    interpreter = first[2:].strip() if first.startswith("#!") else sys.executable
    code = ("import ruamel.yaml as r; p = r.YAML(typ='safe').Parser; "
            "print(r.__version__, 'C (ruamel.yaml.clib)' if 'clib' in p.__module__ else 'pure Python')")
    proc = subprocess.run([*interpreter.split(), "-c", code], capture_output=True, text=True, check=False)
    return f"ruamel.yaml {proc.stdout.strip()}" if proc.returncode == 0 else "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="partnerbook validate vs check-jsonschema on the same files")
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--campaigns", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "bench-validate")
    parser.add_argument("--example-root", type=Path, default=REPO, help="portfolio for measurement (a)")
    parser.add_argument("--check-jsonschema", dest="cj", metavar="PATH",
                        help="check-jsonschema executable to measure (default: the one next to this Python)")
    args = parser.parse_args(argv)

    partnerbook, check_jsonschema = tool("partnerbook"), args.cj or tool("check-jsonschema")
    if partnerbook is None:
        print("partnerbook is not installed: pip install -e .", file=sys.stderr)
        return 2
    if check_jsonschema is None:
        print("check-jsonschema is missing: install the bench extra with  pip install -e '.[bench]'",
              file=sys.stderr)
        return 2
    if not TIME.exists():
        print("GNU time is missing (/usr/bin/time): apt-get install time", file=sys.stderr)
        return 2

    parser_used = yaml_parser(check_jsonschema)
    print(f"check-jsonschema: {check_jsonschema} (YAML parser: {parser_used})")
    out = args.out.resolve()
    portfolio, schemas, logs, only = out / "portfolio", out / "schemas", out / "logs", out / "partners-only"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"generating {args.partners} partners, {args.campaigns} campaigns (seed {args.seed}) in {portfolio}")
    generate(portfolio, args.partners, args.campaigns, args.seed)
    subprocess.run([partnerbook, "schema", "-o", str(schemas)], check=True, stdout=subprocess.DEVNULL)
    if only.exists():
        shutil.rmtree(only)
    for path in sorted(portfolio.glob("partners/*/partner.yaml")):
        target = only / path.relative_to(portfolio)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)

    files = {
        "partner": sorted(str(p.relative_to(portfolio)) for p in portfolio.glob("partners/*/partner.yaml")),
        "contract": sorted(str(p.relative_to(portfolio)) for p in portfolio.glob("partners/*/contracts/*.yaml")),
        "sla": sorted(str(p.relative_to(portfolio)) for p in portfolio.glob("partners/*/sla.yaml")),
        "campaign": sorted(str(p.relative_to(portfolio)) for p in portfolio.glob("campaigns/*.yaml")),
    }
    all_files = sum(len(v) for v in files.values())
    example_files = len(list(args.example_root.glob("partners/**/*.yaml"))) + len(
        list(args.example_root.glob("campaigns/*.yaml")))
    validate = [partnerbook, "validate", "--today", TODAY, "--root"]
    runs: dict[str, tuple[str, list[str], Path]] = {
        "a": (f"partnerbook validate: repo example ({example_files} files)",
              [*validate, str(args.example_root.resolve())], REPO),
        "b": (f"partnerbook validate: generated, all {all_files} files", [*validate, str(portfolio)], REPO),
        "d": (f"partnerbook validate: {len(files['partner'])} partner.yaml only", [*validate, str(only)], REPO),
    }
    for kind, names in files.items():
        runs[f"c-{kind}"] = (f"check-jsonschema: {len(names)} {kind} files",
                             [check_jsonschema, "--schemafile", str(schemas / f"{kind}.schema.json"), *names],
                             portfolio)

    results: dict[str, list[Sample]] = {key: [] for key in runs}
    for run in range(1, args.runs + 1):
        for key, (label, cmd, cwd) in runs.items():
            sample = measure(cmd, logs / f"{key}-{run}.log", cwd=cwd)
            results[key].append(sample)
            print(f"  run {run}: {label:<52} {sample.wall:7.2f} s {sample.rss_mb:8.1f} MB  exit {sample.exit}",
                  flush=True)

    medians = {key: median(samples) for key, samples in results.items()}
    cj_keys = [f"c-{kind}" for kind in files]
    total = Sample(sum(medians[k].wall for k in cj_keys), max(medians[k].rss_mb for k in cj_keys),
                   max(medians[k].exit for k in cj_keys))
    rows = [(runs[k][0], medians[k]) for k in ("a", "b", "d")]
    rows += [(runs[k][0], medians[k]) for k in cj_keys]
    rows.append((f"check-jsonschema: sum of the four ({all_files} files)", total))

    print(f"\nmedian of {args.runs} runs (wall clock, maximum resident set size; GNU time -v); "
          f"check-jsonschema YAML parser: {parser_used}")
    print(f"{'measurement':<56} {'wall s':>8} {'max RSS MB':>11} {'exit':>5}")
    for label, sample in rows:
        print(f"{label:<56} {sample.wall:8.2f} {sample.rss_mb:11.1f} {sample.exit:>5}")
    b, d, cj_partner = medians["b"], medians["d"], medians["c-partner"]
    print("\nratios (partnerbook / check-jsonschema, wall clock; below 1 = partnerbook is faster)")
    print(f"  whole portfolio (b) / check-jsonschema on the {len(files['partner'])} partner files: "
          f"{b.wall / cj_partner.wall:.3f}")
    print(f"  partner.yaml only (d) / check-jsonschema on the same partner files:   {d.wall / cj_partner.wall:.3f}")
    print(f"  whole portfolio (b) / check-jsonschema on all {all_files} files (sum):    {b.wall / total.wall:.3f}")
    print(f"  max RSS, whole portfolio (b) / check-jsonschema partner files: {b.rss_mb / cj_partner.rss_mb:.2f}")
    if medians["a"].exit:
        print(f"\nnote: the repo example exited {medians['a'].exit} (see {logs}/a-1.log)")
    for key in cj_keys:
        if medians[key].exit:
            print(f"note: {runs[key][0]} exited {medians[key].exit}: the schema rejected files "
                  f"(see {logs}/{key}-1.log)")
    summary = {
        "partners": args.partners, "campaigns": args.campaigns, "seed": args.seed, "runs": args.runs,
        "check_jsonschema": check_jsonschema, "check_jsonschema_yaml_parser": parser_used,
        "files": {kind: len(names) for kind, names in files.items()},
        "median": {runs[k][0]: vars(medians[k]) for k in runs} | {"check-jsonschema sum": vars(total)},
        "samples": {runs[k][0]: [vars(s) for s in v] for k, v in results.items()},
    }
    (out / "results.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"\nraw samples: {out / 'results.json'}; tool output: {logs}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
