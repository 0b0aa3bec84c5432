"""What build, serve and print say while they run: a live line on a terminal, a few plain lines elsewhere,
nothing but errors with --quiet, stage times and what was reused with --verbose; serve's address and a line
per rebuild with what changed."""

from __future__ import annotations

import io
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import TODAY, copy_base, ctrl_c_reaches_it

from generator.cli import cli, main
from generator.errors import PartnerbookError
from generator.progress import SILENT, PlainProgress, TerminalProgress, display
from generator.site import serve


class _Tty(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _screen(text: str) -> list[str]:
    """What a terminal shows after ``text``: carriage returns go back to the start of the line, ESC[K
    erases to its end."""
    lines, column = [""], 0
    for token in re.split(r"(\r|\n|\x1b\[K)", text):
        if token == "\r":
            column = 0
        elif token == "\n":
            lines.append("")
            column = 0
        elif token == "\x1b[K":
            lines[-1] = lines[-1][:column]
        elif token:
            line = lines[-1]
            lines[-1] = line[:column] + token + line[column + len(token):]
            column += len(token)
    return lines


def _ticks(step: float = 1.0) -> Any:
    """A clock that moves ``step`` seconds each time it is read."""
    now = [0.0]

    def clock() -> float:
        now[0] += step
        return now[0]
    return clock


# --- choosing the display -----------------------------------------------------------------------------

def test_a_terminal_gets_the_live_line_and_anything_else_plain_lines() -> None:
    assert isinstance(display(stream=_Tty(), environ={"TERM": "xterm-256color"}), TerminalProgress)
    assert isinstance(display(stream=io.StringIO(), environ={}), PlainProgress)
    assert isinstance(display(stream=_Tty(), environ={"CI": "true"}), PlainProgress)
    assert isinstance(display(stream=_Tty(), environ={"TERM": "dumb"}), PlainProgress)
    assert isinstance(display(stream=_Tty(), environ={"CI": "false"}), TerminalProgress)
    assert display(quiet=True, stream=_Tty(), environ={}) is SILENT


# --- plain lines (CI, pipes, files) -------------------------------------------------------------------

def _build_like(progress: Any) -> None:
    """The reports a build makes (generator/site/build.py, generator/site/mkdocs_build.py)."""
    progress.stage("reading and checking the records")
    progress.stage("writing the pages")
    progress.stage("building the site with MkDocs")
    progress.start("pages", 300)
    progress.start("charts", 2)
    for _ in range(300):
        progress.advance("pages")
    progress.advance("charts", 2)
    progress.finish()


def test_plain_lines_are_a_few_whatever_the_number_of_pages() -> None:
    stream = io.StringIO()
    _build_like(PlainProgress(stream, clock=_ticks()))

    assert stream.getvalue().splitlines() == [
        "reading and checking the records",
        "writing the pages",
        "building the site with MkDocs",
        "  to make: 300 pages, 2 charts",
    ]


def test_plain_verbose_lines_give_each_stage_its_time() -> None:
    stream = io.StringIO()
    _build_like(PlainProgress(stream, verbose=True, clock=_ticks(1.5)))

    assert stream.getvalue().splitlines() == [
        "reading and checking the records",
        "  took 1.50 s",
        "writing the pages",
        "  took 1.50 s",
        "building the site with MkDocs",
        "  to make: 300 pages, 2 charts",
        "  took 1.50 s",
    ]


def test_plain_lines_say_nothing_to_make_when_everything_is_cached() -> None:
    stream = io.StringIO()
    progress = PlainProgress(stream)
    progress.stage("building the site with MkDocs")
    progress.start("pages", 0)
    progress.start("charts", 0)
    progress.finish()

    assert stream.getvalue() == "building the site with MkDocs\n"


# --- the live line on a terminal ----------------------------------------------------------------------

def test_the_terminal_line_shows_the_stage_a_bar_and_the_counts() -> None:
    stream = _Tty()
    progress = TerminalProgress(stream, clock=_ticks(), interval=0, width=lambda: 120)
    progress.stage("reading and checking the records")
    assert _screen(stream.getvalue()) == ["reading and checking the records…"]

    progress.stage("building the site with MkDocs")
    progress.start("pages", 1050)
    progress.start("charts", 547)
    progress.advance("pages", 612)
    progress.advance("charts", 120)
    filled = 24 * (612 + 120) // (1050 + 547)
    assert _screen(stream.getvalue()) == [
        f"building the site with MkDocs  [{'#' * filled}{'.' * (24 - filled)}]  612/1,050 pages · 120/547 charts"]

    progress.finish()
    assert _screen(stream.getvalue()) == [""], "the line is cleared: the summary follows on its own"
    assert "\n" not in stream.getvalue(), "one line, redrawn in place"


def test_the_terminal_line_never_wraps() -> None:
    stream = _Tty()
    progress = TerminalProgress(stream, clock=_ticks(), interval=0, width=lambda: 40)
    progress.stage("building the site with MkDocs")
    progress.start("pages", 1050)
    progress.advance("pages", 10)

    assert [len(line) for line in _screen(stream.getvalue())] == [39]


def test_the_terminal_line_is_redrawn_at_most_every_interval() -> None:
    stream = _Tty()
    progress = TerminalProgress(stream, clock=lambda: 5.0, interval=0.1, width=lambda: 120)
    progress.stage("building the site with MkDocs")
    progress.start("pages", 1000)
    for _ in range(999):
        progress.advance("pages")
    assert _screen(stream.getvalue()) == ["building the site with MkDocs…"], "no time passed: not redrawn"

    progress.advance("pages")  # the last page: always drawn
    assert _screen(stream.getvalue())[0].endswith("1,000/1,000 pages")
    assert stream.getvalue().count("\r") == 2


def test_the_terminal_verbose_keeps_every_stage_with_its_time() -> None:
    stream = _Tty()
    progress = TerminalProgress(stream, verbose=True, clock=_ticks(2.0), interval=0, width=lambda: 120)
    _build_like(progress)

    lines = _screen(stream.getvalue())
    assert len(lines) == 4
    assert re.fullmatch(r"reading and checking the records  [0-9.]+ s", lines[0])
    assert re.fullmatch(r"writing the pages  [0-9.]+ s", lines[1])
    assert re.fullmatch(r"building the site with MkDocs  [0-9.,]+ s  \(made: 300 pages, 2 charts\)", lines[2])
    assert lines[3] == "", "the last stage ends its line"


def test_a_note_goes_above_the_live_line() -> None:
    stream = _Tty()
    progress = TerminalProgress(stream, clock=_ticks(), interval=0, width=lambda: 120)
    progress.stage("building the site with MkDocs")
    progress.note("Serving on http://127.0.0.1:8000/ (Ctrl-C to stop)")

    assert _screen(stream.getvalue()) == ["Serving on http://127.0.0.1:8000/ (Ctrl-C to stop)",
                                          "building the site with MkDocs…"]


# --- build from the command line ----------------------------------------------------------------------

def _invoke(*argv: str) -> Any:
    return CliRunner().invoke(cli, list(argv), catch_exceptions=False)


def test_build_quiet_verbose_and_plain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_base(tmp_path / "portfolio")

    verbose = _invoke("build", "--root", str(root), "--today", TODAY, "--verbose")
    assert verbose.exit_code == 0, verbose.output
    assert verbose.stdout.startswith("built "), "stdout holds the summary alone"
    assert len(verbose.stdout.splitlines()) == 1
    err = verbose.stderr.splitlines()
    assert [line for line in err if not line.startswith(" ")][:3] == [
        "reading and checking the records", "writing the pages", "building the site with MkDocs"]
    assert len([line for line in err if re.fullmatch(r"  took [0-9.]+ s", line)]) == 3
    assert re.search(r"^pages: \d+ rendered, 0 from the page cache$", verbose.stderr, re.MULTILINE)
    assert re.search(r"^charts: \d+ drawn, 0 from the chart cache$", verbose.stderr, re.MULTILINE)
    assert re.search(r"^\d+ files? linked from the previous site$", verbose.stderr, re.MULTILINE)

    record = root / "partners" / "kiln-packaging" / "partner.yaml"
    _describe(record, "Edited.")
    plain = _invoke("build", "--root", str(root), "--today", TODAY)
    assert plain.exit_code == 0, plain.output
    assert plain.stderr.splitlines()[:3] == ["reading and checking the records", "writing the pages",
                                             "building the site with MkDocs"]
    assert len(plain.stderr.splitlines()) <= 4
    assert plain.stdout.startswith("built ")

    quiet = _invoke("build", "--root", str(root), "--today", TODAY, "-q")
    assert quiet.exit_code == 0
    assert quiet.output == "", "nothing at all on success"

    with record.open("a", encoding="utf-8") as handle:
        handle.write("broken: [\n")
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--root", str(root), "--today", TODAY, "--quiet"])
    assert stopped.value.code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("partnerbook: 1 record error must be fixed first"), "the error, and only it"
    assert "partners/kiln-packaging/partner.yaml:" in err


def _describe(record: Path, text: str) -> None:
    """Change what a partner record says (its description), so its pages change."""
    yaml = record.read_text(encoding="utf-8")
    assert "\ndescription: " in yaml
    record.write_text(yaml.replace("\ndescription: ", f"\ndescription: {text} ", 1), encoding="utf-8")


def test_timings_is_verbose_and_quiet_verbose_is_wrong_usage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.site import build

    seen: list[Any] = []

    def fake_build(root: Path, today: date, site_dir: Path | None, jobs: int | None, progress: Any) -> Any:
        seen.append(progress)
        return build.BuildReport(root / "site", 3, 2, 1, 0, {}, pages_rendered=2, pages_cached=1, linked=5)

    monkeypatch.setattr(build, "build_site", fake_build)
    root = copy_base(tmp_path / "portfolio")
    timed = _invoke("build", "--root", str(root), "--today", TODAY, "--timings")
    assert timed.exit_code == 0
    assert seen[-1].verbose
    assert timed.stderr.splitlines() == ["pages: 2 rendered, 1 from the page cache",
                                         "charts: 1 drawn, 1 from the chart cache",
                                         "5 files linked from the previous site"]

    both = CliRunner().invoke(cli, ["build", "--root", str(root), "-q", "-v"])
    assert both.exit_code == 2
    assert "--quiet and --verbose" in both.stderr


# --- serve --------------------------------------------------------------------------------------------

@pytest.fixture
def served(tmp_path: Path) -> Any:
    """A portfolio previewed by ``serve.Preview``, with the builds recorded instead of run."""
    root = copy_base(tmp_path / "portfolio")
    calls: list[tuple[Path, bool]] = []
    failure: list[Exception] = []

    def build(root: Path, today: date, progress: Any = SILENT) -> None:
        calls.append((root, progress is not SILENT))
        if failure:
            raise failure[0]

    stream = io.StringIO()
    preview = serve.Preview(root, date(2026, 11, 24), PlainProgress(stream), build=build)
    return SimpleNamespace(root=root, calls=calls, failure=failure, stream=stream, preview=preview)


def _edit(path: Path, text: str = "\n# edited\n") -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_serve_says_what_each_rebuild_changed(served: Any) -> None:
    served.preview.first()
    assert served.calls == [(served.root, True)], "the first build shows its stages"

    _edit(served.root / "partners" / "kiln-packaging" / "partner.yaml")
    served.preview.rebuild()
    assert served.calls[1:] == [(served.root, False)], "a rebuild says one line, not its stages"
    assert re.fullmatch(r"\d\d:\d\d:\d\d  rebuilt in [0-9.]+ s after changes to partners/kiln-packaging/partner.yaml",
                        served.stream.getvalue().splitlines()[-1])

    (served.root / "campaigns" / "new-one.yaml").write_text("name: x\n", encoding="utf-8")
    (served.root / "partnerbook.yml").unlink()
    served.preview.rebuild()
    assert served.stream.getvalue().splitlines()[-1].endswith(
        "after changes to campaigns/new-one.yaml (new), partnerbook.yml (deleted)")

    (served.root / "mkdocs.yml").write_text("site_name: Ours\n", encoding="utf-8")
    served.preview.rebuild()
    assert served.stream.getvalue().splitlines()[-1].endswith("after changes to mkdocs.yml (new)")

    served.preview.rebuild()
    assert served.stream.getvalue().splitlines()[-1].endswith("no record changed")


def test_serve_keeps_the_last_good_pages_and_says_why(served: Any) -> None:
    served.preview.first()
    served.failure.append(PartnerbookError("1 record error must be fixed first"))
    _edit(served.root / "partners" / "shopcloud" / "partner.yaml", "broken: [\n")
    served.preview.rebuild()

    lines = served.stream.getvalue().splitlines()
    assert lines[-2] == "partnerbook: 1 record error must be fixed first", "the error is shown as build shows it"
    assert lines[-1].endswith(
        "not updated after changes to partners/shopcloud/partner.yaml: the records have errors (above); the "
        "preview keeps the last good pages")


def test_a_full_disk_during_a_rebuild_is_said_and_serving_goes_on(served: Any) -> None:
    import errno

    served.preview.first()
    served.failure.append(OSError(errno.ENOSPC, "No space left on device"))
    _edit(served.root / "partners" / "shopcloud" / "partner.yaml")
    served.preview.rebuild()
    lines = served.stream.getvalue().splitlines()
    assert lines[-2] == "partnerbook: the disk is full (free some space and run again; the previous site is unchanged)"
    assert "not updated" in lines[-1]

    served.failure[0] = OSError(errno.EBADF, "a bug's error")  # not a problem of the machine: a real bug
    with pytest.raises(OSError, match="a bug's error"):
        served.preview.rebuild()


def test_the_first_build_fails_as_build_does(served: Any) -> None:
    served.failure.append(PartnerbookError("1 record error must be fixed first"))
    with pytest.raises(PartnerbookError):
        served.preview.first()


def test_many_changes_are_counted_unless_verbose() -> None:
    changes = [(f"partners/p{i}/partner.yaml", "changed") for i in range(6)]
    assert serve.describe(changes) == ("partners/p0/partner.yaml, partners/p1/partner.yaml, "
                                            "partners/p2/partner.yaml and 3 more files")
    assert serve.describe(changes, verbose=True).count("partner.yaml") == 6
    assert serve.describe(changes[:4]).count("partner.yaml") == 4, "never 'and 1 more file'"
    line = serve.rebuilt_line(changes[:1], 2.345, False, now=datetime(2026, 11, 24, 9, 5, 7))
    assert line == "09:05:07  rebuilt in 2.3 s after changes to partners/p0/partner.yaml"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_prints_its_address_and_a_line_per_rebuild(tmp_path: Path) -> None:
    """The real server: the address once it listens, one line (not two) after a record changes."""
    root = copy_base(tmp_path / "portfolio")
    port = _free_port()
    log = tmp_path / "serve.err"
    with log.open("w", encoding="utf-8") as err:
        proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--root", str(root), "--today", TODAY,
                                 "-a", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=err,
                                cwd=Path(__file__).resolve().parent.parent, preexec_fn=ctrl_c_reaches_it)

    def wait_for(pattern: str, count: int = 1) -> str:
        deadline = time.monotonic() + 240
        while len(re.findall(pattern, text := log.read_text(encoding="utf-8"), re.MULTILINE)) < count:
            assert proc.poll() is None, text
            assert time.monotonic() < deadline, text
            time.sleep(0.2)
        return text

    try:
        text = wait_for(rf"^Serving on http://127\.0\.0\.1:{port}/ \(Ctrl-C to stop\)$")
        lines = text.splitlines()
        assert lines[:3] == ["reading and checking the records", "writing the pages", "building the site with MkDocs"]
        assert re.fullmatch(r"  to make: \d+ pages, \d+ charts", lines[3])
        assert lines[4] == f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)"
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            pass
        _describe(root / "partners" / "kiln-packaging" / "partner.yaml", "Edited while the preview runs.")
        text = wait_for(r"rebuilt in [0-9.]+ s after changes to partners/kiln-packaging/partner\.yaml$")
        time.sleep(3)  # a second rebuild (of the pages the first one wrote) would start at once
        text = log.read_text(encoding="utf-8")
        assert len(re.findall(r"  rebuilt in ", text)) == 1, text
        assert "INFO" not in text
        assert "Traceback" not in text
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/partners/kiln-packaging/", timeout=30) as page:
            # (record text reaches the page inert: its full stop as &#46;)
            assert "Edited while the preview runs" in page.read().decode("utf-8"), "the rebuilt page is served"
        assert (root / ".partnerbook" / "preview" / "partners" / "kiln-packaging" / "index.html").is_file()
        assert not (root / "site").exists(), "the preview is not the published site"

        proc.send_signal(signal.SIGINT)  # Ctrl-C is how the preview stops
        assert proc.wait(timeout=60) == 0
        assert "Traceback" not in log.read_text(encoding="utf-8")
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=60)
