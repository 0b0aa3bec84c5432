"""The CI side of the pull-request loop: job summaries, the GitHub workflow and the GitLab pipeline."""

from __future__ import annotations

import datetime
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import TODAY, RunLine
from gitrepo import commit_all, example_repo, git, remove_attestation

STRIPE = "partners/stripe-payments/partner.yaml"
PCI_ENTRY = """  - type: pci-dss-aoc
    status: valid
    issued: 2026-06-01
    expires: 2027-05-31
    evidence: https://example.com/evidence/pci-aoc-2026.pdf
"""


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------------------- alerts job summary


def test_alerts_github_writes_a_table_to_the_job_summary(base_portfolio: Path, run_line: RunLine, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("### partnerbook validate\n\nearlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    edit(base_portfolio, STRIPE, PCI_ENTRY, "")

    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format github")

    assert result.exit_code == 0
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### partnerbook validate\n\nearlier step\n### partnerbook alerts\n\n"
                           "10 alerts: 1 error, 8 warnings, 1 info\n")  # appended, as validate does
    assert "| file | line | severity | rule | message |" in text
    row = next(line for line in text.splitlines() if "compliance-missing" in line)
    assert row.startswith(f"| `{STRIPE}` | 37 | Error | compliance-missing | payment partner")
    assert len([line for line in text.splitlines() if line.startswith("| `")]) == 10


def test_alerts_summary_only_with_github_format_and_only_inside_actions(base_portfolio: Path, run_line: RunLine,
                                                                        tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format github")  # no variable: fine
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format text")
    run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format codequality")

    assert not summary.exists()


def test_alerts_summary_escapes_record_text(base_portfolio: Path, run_line: RunLine, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    hostile = "Stripe | <img src=x onerror=alert(1)> [x](javascript:alert(1))\\u202e"
    edit(base_portfolio, STRIPE, "\ncheck_ins:\n",
         f"\nred_flags:\n  - date: 2026-10-20\n    description: \"{hostile}\"\n    status: open\ncheck_ins:\n")

    run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format github")

    text = summary.read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("| `")]
    assert any("red-flag-open" in line and "Stripe" in line for line in table)
    assert all(line.count("|") == 6 for line in table), "no cell breaks out of its column"
    assert "<img" not in text
    assert "](javascript" not in text
    assert "\u202e" not in text


def test_alerts_new_since_summary_lists_the_new_alerts(base_portfolio: Path, run_line: RunLine, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path / "base"
    shutil.copytree(base_portfolio, base)
    edit(base_portfolio, STRIPE, PCI_ENTRY, "")
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    result = run_line(f"partnerbook alerts --root {base_portfolio} --today {TODAY} --format github "
                      f"--new-since {base} --fail-on error")

    assert result.exit_code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(f"### partnerbook alerts, new since `{base}`\n\n1 alert: 1 error, 0 warnings, 0 info\n")
    table = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(table) == 1
    assert "| compliance-missing |" in table[0]
    assert f"9 already at `{base}` (not failing)" in text


# ---------------------------------------------------------------------------- the workflow files

REPO = Path(__file__).resolve().parents[1]
GITHUB = REPO / ".github" / "workflows" / "partnerbook.yml"
GITHUB_TEMPLATE = REPO / "site_templates" / "ci" / "github.yml"
GITLAB_TEMPLATE = REPO / "site_templates" / "ci" / "gitlab-ci.yml"
MARKER = "<!-- partnerbook-diff -->"


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def step(job: dict, **match: str) -> dict:
    found = [s for s in job["steps"] if all(s.get(k) == v for k, v in match.items())]
    assert len(found) == 1, match
    return found[0]


def test_the_records_template_is_the_repositorys_own_workflow() -> None:
    assert GITHUB_TEMPLATE.read_bytes() == GITHUB.read_bytes()


def test_github_workflow_runs_on_pull_requests_with_least_privilege() -> None:
    workflow = load(GITHUB)
    on = triggers(workflow)

    assert "pull_request" in on
    assert "pull_request_target" not in on  # never run a fork's change with a writable token
    assert on["push"] == {"branches": ["main"]}
    assert on["schedule"] == [{"cron": "17 5 * * 1-5"}]
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    writers = {name for name, job in jobs.items() if "pull-requests" in job.get("permissions", {})}
    assert writers == {"comment"}
    assert jobs["comment"]["permissions"] == {"pull-requests": "write"}
    assert "actions/checkout@v4" not in [s.get("uses") for s in jobs["comment"]["steps"]]  # no repository code
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "GitHub Pages sites are PUBLIC" in GITHUB.read_text(encoding="utf-8")


def test_github_check_job_reports_everything_and_fails_at_the_end() -> None:
    job = load(GITHUB)["jobs"]["check"]
    steps = job["steps"]

    assert step(job, uses="actions/checkout@v4")["with"]["fetch-depth"] == 0
    assert job["env"]["BASE"] == "origin/${{ github.base_ref }}"
    validate = step(job, id="validate")
    assert validate["continue-on-error"] is True
    assert validate["run"] == 'partnerbook validate --format github --new-since "$BASE"'
    assert step(job, id="alerts")["run"].startswith('partnerbook alerts --format github --new-since "$BASE"')
    assert step(job, id="diff")["run"] == 'partnerbook diff "$BASE" --format markdown > diff.md'
    after = steps[steps.index(validate) + 1:]
    assert after, "reporting steps follow validate"
    for later in after:  # each runs even when an earlier one failed
        assert "!cancelled()" in later.get("if", "") or "always()" in later.get("if", ""), later
    assert any('>> "$GITHUB_STEP_SUMMARY"' in s.get("run", "") and "diff.md" in s["run"] for s in after)
    final = steps[-1]
    assert final["env"]["VALIDATE"] == "${{ steps.validate.outcome }}"
    assert "exit" in final["run"]
    assert all(s.get("continue-on-error") is True for s in steps if s.get("id") in ("validate", "alerts", "diff"))


def test_github_comment_step_never_fails_the_job() -> None:
    job = load(GITHUB)["jobs"]["comment"]
    post = step(job, name="Post or update the pull-request comment")

    assert post["continue-on-error"] is True
    assert MARKER in post["run"]
    assert job["needs"] == "check"
    assert "!cancelled()" in job["if"]


def test_github_main_builds_and_deploys_pages() -> None:
    jobs = load(GITHUB)["jobs"]

    assert [s.get("run") for s in jobs["build"]["steps"] if s.get("run") == "partnerbook build"]
    assert jobs["deploy"]["needs"] == "build"
    assert step(jobs["deploy"], id="deployment")["uses"] == "actions/deploy-pages@v4"
    assert "schedule" in jobs["findings"]["if"]


def test_gitlab_pipeline_has_the_merge_request_jobs_and_pages() -> None:
    pipeline = load(GITLAB_TEMPLATE)
    mr_rule = {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}

    assert mr_rule in pipeline["workflow"]["rules"]
    assert pipeline["variables"]["GIT_DEPTH"] == "0"
    assert pipeline["default"]["image"].startswith("python:3")
    hidden = pipeline[".merge_request"]
    assert hidden["rules"] == [mr_rule]
    assert hidden["variables"]["BASE"] == "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
    validate = pipeline["validate"]
    assert validate["extends"] == ".merge_request"
    assert validate["script"] == [
        'partnerbook validate --format codequality --new-since "$BASE" > gl-code-quality-report.json']
    assert validate["artifacts"]["reports"] == {"codequality": "gl-code-quality-report.json"}
    assert validate["artifacts"]["when"] == "always"
    assert pipeline["alerts"]["artifacts"]["reports"] == {"codequality": "gl-code-quality-alerts.json"}
    assert pipeline["diff"]["script"] == ['partnerbook diff "$BASE" --format markdown > diff.md']
    note = pipeline["note"]
    assert note["rules"] == [mr_rule]
    assert note["allow_failure"] is True
    assert note["needs"] == ["diff"]
    script = "\n".join(note["script"])
    assert "PARTNERBOOK_GITLAB_TOKEN" in script
    assert MARKER in script
    assert '"PUT"' in script
    assert '"POST"' in script
    pages = pipeline["pages"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert pages["script"] == ["partnerbook build --site-dir public"]
    assert pages["artifacts"]["paths"] == ["public"]
    text = GITLAB_TEMPLATE.read_text(encoding="utf-8")
    assert "PARTNERBOOK_GITLAB_TOKEN" in text.split("workflow:")[0]  # documented at the top
    assert "PUBLIC" in text.split("workflow:")[0]


# ---------------------------------------------------------------------------- the comment and the note, run

REQUIRE_TOOLS = os.environ.get("PARTNERBOOK_REQUIRE_TOOLS") == "1"


def need(tool: str) -> str:
    """The path of a CI tool; .ci/run installs them all (PARTNERBOOK_REQUIRE_TOOLS=1), elsewhere a skip says why."""
    path = shutil.which(tool)
    if path is None:
        if REQUIRE_TOOLS:
            pytest.fail(f"{tool} is not installed, and PARTNERBOOK_REQUIRE_TOOLS=1 requires it")
        pytest.skip(f"{tool} is not installed (.ci/run installs it)")
    return path


FAKE_GH = """#!/usr/bin/env python3
# A stand-in for the GitHub CLI: `gh api` against the comments in $FAKE_STATE, calls logged there.
import json, os, subprocess, sys
state = os.environ["FAKE_STATE"]
args = sys.argv[1:]
with open(os.path.join(state, "calls.jsonl"), "a") as log:
    log.write(json.dumps(args) + "\\n")
assert args[0] == "api"
if "--method" not in args:
    comments = open(os.path.join(state, "comments.json")).read()
    jq = args[args.index("--jq") + 1]
    sys.stdout.write(subprocess.run(["jq", "-r", jq], input=comments, capture_output=True, text=True,
                                    check=True).stdout)
else:
    field = args[args.index("-F") + 1]
    assert field.startswith("body=@")
    with open(os.path.join(state, "body.md"), "w") as out:
        out.write(open(field[len("body=@"):]).read())
    print("{}")
"""


def run_comment_step(tmp_path: Path, comments: list[dict], diff: str) -> tuple[list[list[str]], str]:
    need("jq")
    bin_dir, state, work = tmp_path / "bin", tmp_path / "state", tmp_path / "work"
    for folder in (bin_dir, state, work):
        folder.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH, encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    (state / "comments.json").write_text(json.dumps(comments), encoding="utf-8")
    (work / "diff.md").write_text(diff, encoding="utf-8")
    post = step(load(GITHUB)["jobs"]["comment"], name="Post or update the pull-request comment")
    env = {**os.environ, **post["env"], "GH_TOKEN": "token", "REPO": "acme/records", "PR": "7",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_STATE": str(state), "LC_ALL": "C.UTF-8"}
    subprocess.run(["bash", "-e", "-o", "pipefail", "-c", post["run"]], cwd=work, env=env, check=True)
    calls = [json.loads(line) for line in (state / "calls.jsonl").read_text(encoding="utf-8").splitlines()]
    body = (state / "body.md").read_text(encoding="utf-8") if (state / "body.md").exists() else ""
    return calls, body


def test_the_first_run_creates_the_comment(tmp_path: Path) -> None:
    calls, body = run_comment_step(tmp_path, [{"id": 1, "user": {"login": "ada"}, "body": "Looks good"}],
                                   "### partnerbook diff\n\n**1 record changed**\n")

    assert calls[-1][:4] == ["api", "--method", "POST", "repos/acme/records/issues/7/comments"]
    assert body == f"{MARKER}\n### partnerbook diff\n\n**1 record changed**\n"


def test_a_later_push_updates_the_bots_comment_not_someone_elses(tmp_path: Path) -> None:
    comments = [
        {"id": 11, "user": {"login": "mallory"}, "body": f"{MARKER}\nfake"},  # a person quoting the marker
        {"id": 12, "user": {"login": "github-actions[bot]"}, "body": "another bot comment"},
        {"id": 13, "user": {"login": "github-actions[bot]"}, "body": f"{MARKER}\nold report"},
    ]
    calls, body = run_comment_step(tmp_path, comments, "new report\n")

    assert calls[-1][:4] == ["api", "--method", "PATCH", "repos/acme/records/issues/comments/13"]
    assert len([c for c in calls if "--method" in c]) == 1
    assert body == f"{MARKER}\nnew report\n"


def test_a_report_too_long_for_a_comment_is_cut_at_a_line(tmp_path: Path) -> None:
    line = "| `partners/p/partner.yaml` | 1 | warning | é |\n"
    _, body = run_comment_step(tmp_path, [], line * 3000)

    assert len(body) < 65536
    assert body.startswith(MARKER + "\n" + line)
    assert body.endswith("whole report is in the job summary of the check._\n")
    cut = body.split("\n\n_The report")[0]
    assert cut.endswith(line.rstrip("\n"))  # whole lines only


class FakeGitLab(http.server.BaseHTTPRequestHandler):
    """The merge-request notes API: GET /user, GET/POST .../notes, PUT .../notes/ID."""

    notes: list[dict]
    calls: list[tuple[str, str, object]]

    def _send(self, data: object) -> None:
        payload = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _body(self) -> object:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_GET(self) -> None:
        assert self.headers["PRIVATE-TOKEN"] == "glpat-test"
        url = urllib.parse.urlsplit(self.path)
        self.calls.append(("GET", url.path, None))
        if url.path == "/api/v4/user":
            return self._send({"id": 99, "username": "project_1_bot"})
        assert url.path == "/api/v4/projects/5/merge_requests/8/notes"
        page = int(urllib.parse.parse_qs(url.query)["page"][0])
        return self._send(self.notes[(page - 1) * 100:page * 100])

    def do_POST(self) -> None:
        self.calls.append(("POST", self.path, self._body()))
        self._send({"id": 1000})

    def do_PUT(self) -> None:
        self.calls.append(("PUT", self.path, self._body()))
        self._send({})

    def log_message(self, *args: object) -> None:
        pass


def run_note_job(tmp_path: Path, notes: list[dict], token: str = "glpat-test") -> tuple[list, str]:
    FakeGitLab.notes, FakeGitLab.calls = notes, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeGitLab)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        (tmp_path / "diff.md").write_text("### partnerbook diff\n\nreport\n", encoding="utf-8")
        env = {**os.environ, "CI_API_V4_URL": f"http://127.0.0.1:{server.server_address[1]}/api/v4",
               "CI_PROJECT_ID": "5", "CI_MERGE_REQUEST_IID": "8", "PARTNERBOOK_GITLAB_TOKEN": token}
        out = ""
        for command in load(GITLAB_TEMPLATE)["note"]["script"]:  # as the runner does: each line in one shell
            proc = subprocess.run(["bash", "-e", "-c", command], cwd=tmp_path, env=env, capture_output=True,
                                  text=True, check=True)
            out += proc.stdout
            if "exit 0" in command and "no merge-request note" in proc.stdout:
                break
    finally:
        server.shutdown()
        server.server_close()
    return FakeGitLab.calls, out


def test_gitlab_note_is_posted_once_then_updated(tmp_path: Path) -> None:
    others = [{"id": n, "author": {"id": 3}, "body": "review comment"} for n in range(150)]
    calls, out = run_note_job(tmp_path, others)

    assert calls[-1] == ("POST", "/api/v4/projects/5/merge_requests/8/notes",
                         {"body": f"{MARKER}\n### partnerbook diff\n\nreport\n"})
    assert [c[0] for c in calls] == ["GET", "GET", "GET", "GET", "POST"]  # /user, pages 1, 2 and the empty 3
    assert "posted the partnerbook note" in out

    mine = {"id": 777, "author": {"id": 99}, "body": f"{MARKER}\nold"}
    spoof = {"id": 666, "author": {"id": 3}, "body": f"{MARKER}\nnot the bot's"}
    calls, _ = run_note_job(tmp_path, [spoof, *others, mine])

    assert calls[-1] == ("PUT", "/api/v4/projects/5/merge_requests/8/notes/777",
                         {"body": f"{MARKER}\n### partnerbook diff\n\nreport\n"})
    assert not [c for c in calls if c[0] == "POST"]


def test_gitlab_note_without_the_token_is_skipped_not_failed(tmp_path: Path) -> None:
    calls, out = run_note_job(tmp_path, [], token="")

    assert calls == []
    assert "PARTNERBOOK_GITLAB_TOKEN is not set" in out


# ---------------------------------------------------------------------------- actionlint


def test_actionlint_passes_on_both_workflows_and_on_the_one_init_writes(tmp_path: Path,
                                                                       run_line: RunLine) -> None:
    actionlint = need("actionlint")
    assert run_line(f"partnerbook init {tmp_path / 'records'} --ci github").exit_code == 0
    written = tmp_path / "records" / ".github" / "workflows" / "partnerbook.yml"

    proc = subprocess.run([actionlint, "-no-color", str(GITHUB), str(GITHUB_TEMPLATE), str(written)],
                          capture_output=True, text=True)

    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    actionlint = need("actionlint")
    broken = tmp_path / "partnerbook.yml"
    broken.write_text(GITHUB.read_text(encoding="utf-8").replace("steps.validate.outcome", "steps.validat.outcome"),
                      encoding="utf-8")

    proc = subprocess.run([actionlint, "-no-color", str(broken)], capture_output=True, text=True)

    assert proc.returncode == 1
    assert "validat" in proc.stdout


# ---------------------------------------------------------------------------- the check job, run


def run_check_job(tmp_path: Path, change: Callable[[Path], None], day: str) -> tuple[dict[str, str], str, str]:
    """The check job's run: steps in a clone whose origin/main is the base, as the runner does them."""
    upstream = example_repo(tmp_path / "upstream")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(upstream), str(work))
    git(work, "checkout", "-q", "-b", "change")
    change(work)
    commit_all(work, "the change")
    summary = tmp_path / "summary.md"
    job = load(GITHUB)["jobs"]["check"]
    env = {**os.environ, "BASE": job["env"]["BASE"].replace("${{ github.base_ref }}", "main"),
           "GITHUB_STEP_SUMMARY": str(summary), "SOURCE_DATE_EPOCH": str(int(datetime.datetime.fromisoformat(
               day).replace(tzinfo=datetime.UTC).timestamp())),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    outcomes: dict[str, str] = {}
    log = ""
    for item in job["steps"]:
        if "run" not in item or item["run"].startswith("pip install"):
            continue
        condition = item.get("if", "")
        if "steps.diff.outcome == 'success'" in condition and outcomes.get("diff") != "success":
            continue
        extra = {name: re.sub(r"\$\{\{ steps\.(\w+)\.outcome \}\}", lambda m: outcomes[m.group(1)], value)
                 for name, value in item.get("env", {}).items()}
        proc = subprocess.run(["bash", "-e", "-c", item["run"]], cwd=work, env={**env, **extra}, capture_output=True,
                              text=True)
        log += proc.stdout + proc.stderr
        if "id" in item:
            outcomes[item["id"]] = "success" if proc.returncode == 0 else "failure"
        else:
            outcomes[item.get("name", item["run"][:20])] = "success" if proc.returncode == 0 else "failure"
    return outcomes, summary.read_text(encoding="utf-8"), log


def test_the_check_job_fails_on_a_removed_attestation_and_reports_it(tmp_path: Path) -> None:
    outcomes, summary, log = run_check_job(tmp_path, remove_attestation, "2026-11-24")

    assert outcomes["validate"] == "failure"
    assert outcomes["diff"] == "success"
    assert outcomes["Fail when the change breaks the records"] == "failure"
    assert "::error::partnerbook validate: the change introduces problems" in log
    assert "::error file=partners/pagamenti-sicuri/partner.yaml" in log
    assert "### partnerbook validate" in summary
    assert "### partnerbook alerts, new since `origin/main`" in summary
    assert "### partnerbook diff" in summary
    assert (tmp_path / "work" / "diff.md").read_text(encoding="utf-8") in summary


def test_the_check_job_passes_an_unrelated_change_after_a_document_expired(tmp_path: Path) -> None:
    def unrelated(repo: Path) -> None:
        path = repo / "partnerbook.yml"
        path.write_text(path.read_text(encoding="utf-8") + "# an unrelated change\n", encoding="utf-8")

    outcomes, summary, log = run_check_job(tmp_path, unrelated, "2027-01-20")  # a DPA expired on 2027-01-14

    assert len(outcomes) == 5, outcomes  # validate, alerts, diff, the summary and the final check
    assert set(outcomes.values()) == {"success"}, log
    assert "::error file=" not in log
    assert "### partnerbook diff" in summary
