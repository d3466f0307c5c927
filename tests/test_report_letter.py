"""The letter of findings: HTML structure and sentences, the PDF as a PDF, safe rendering."""

from __future__ import annotations

import io
import os
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest
from _report_helpers import CLEAN_FINDINGS, HOSTILE_NOTE, make_workspace, sample_letter, write_findings

from jtai import workspace
from jtai.report.assets import asset_fetcher, is_packaged_asset, templates_dir
from jtai.report.letter import SECTION_HEADINGS, letter_html
from jtai.report.render import html_to_pdf

HEADINGS = [
    "Headline findings",
    "Key strengths",
    "Case studies",
    "Areas for improvement",
    "Areas for priority action",
    "Main findings",
    "Next steps",
    "Yours sincerely",
]


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in {"h1", "h2", "h3"}:
            self._open = tag
            self.headings.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)


@pytest.fixture(scope="module")
def html() -> str:
    """The standalone HTML of the sample letter."""
    return letter_html(sample_letter())


@pytest.fixture(scope="module")
def rendered() -> tuple[bytes, list[str]]:
    """The sample letter's PDF, rendered once, with every URL the renderer asked for."""
    asked: list[str] = []
    pdf = html_to_pdf(letter_html(sample_letter(), paged=True), on_request=asked.append)
    return pdf, asked


def test_html_outline(html: str) -> None:
    """One h1, then the sections in the letter's order, each an h2."""
    outline = _Outline()
    outline.feed(html)
    h2 = [text for tag, text in outline.headings if tag == "h2"]
    assert h2 == HEADINGS
    assert [tag for tag, _ in outline.headings].count("h1") == 1
    assert outline.headings[0] == (
        "h1",
        "Joint targeted area inspection of the multi-agency response to child exploitation and children "
        "missing in Seaborough",
    )
    assert [text for tag, text in outline.headings if tag == "h3"] == [
        "Case study: highly effective practice",
        "The partnership",
        "Health",
        "The multi-agency front door",
        "The deep dive",
        "Leadership, management and governance",
    ]
    assert list(SECTION_HEADINGS.values()) == HEADINGS[:-1]


def test_html_is_standalone_and_accessible(html: str) -> None:
    """Language, title, landmarks and inline styles; no external resource at all."""
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert "<main>" in html and "</main>" in html
    assert "<title>Joint targeted area inspection of the multi-agency response" in html
    assert "<style>" in html and "<link" not in html
    assert not re.search(r"""(src|href)=["'](?!#)""", html)
    assert '<section aria-labelledby="h-next">' in html


def test_html_key_sentences(html: str) -> None:
    """The opening, the deadline, the next steps and the signatories read as the letter should."""
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert (
        "Between 19 and 23 March 2018, Ofsted, Care Quality Commission (CQC), HM Inspectorate of "
        "Constabulary and Fire &amp; Rescue Services (HMICFRS) and HM Inspectorate of Probation (HMIP) "
        "undertook a joint inspection of the multi-agency response to child exploitation and children "
        "missing from home, care or education in Seaborough." in text
    )
    assert (
        '<p class="deadline">The director of children\'s services should send the written statement of '
        "action to the inspectorates, on behalf of the partnership, by "
        '<span class="nowrap">16 August 2018</span>.</p>' in html
    )
    assert (
        "The safeguarding partners should oversee the statement: they agree it, monitor its progress" in text
    )
    assert "That date is 70 working days after the publication of this letter on 9 May 2018" in text
    assert "<li>Pat Example, Director of Children&#39;s Services</li>" in html
    assert "<li>Chief Constable</li>" in html
    assert (
        "The inspection covered three parts, each reported under the main findings below: the "
        "multi-agency front door; the deep dive; leadership, management and governance. This letter" in text
    )
    assert html.count('<div class="signatory">') == 4
    assert '<p class="date"><span class="nowrap">9 May 2018</span></p>' in html
    # the closing paragraph and the signatures are one block the PDF never splits
    closing = html[html.index('<div class="closing">') :]
    assert closing.index("That date is") < closing.index("Yours sincerely")


def test_hostile_text_is_escaped(html: str) -> None:
    """Script, image and link in evidence text show as text, never as markup."""
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "<script" not in html and "<img" not in html
    assert "see http://example.org/tracker.png</li>" in html
    assert HOSTILE_NOTE not in html


def test_empty_sections_say_so() -> None:
    """A letter with nothing authored still has every heading, each saying what is missing."""
    html = letter_html(sample_letter(strengths=(), priority_actions=(), case_studies=(), improvements=()))
    assert '<p class="none">No key strengths were identified.</p>' in html
    assert "<p>There are no areas for priority action.</p>" in html
    assert '<p class="none">No case studies are included.</p>' in html
    assert '<p class="none">No areas for improvement were identified.</p>' in html


def test_pdf_opens_with_metadata(rendered: tuple[bytes, list[str]]) -> None:
    """The PDF opens; title, author, creator, language and tagging are set."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(rendered[0]))
    assert 2 <= len(reader.pages) <= 5
    meta = reader.metadata
    assert meta is not None
    assert meta.title == (
        "Joint targeted area inspection of the multi-agency response to child exploitation and children "
        "missing in Seaborough"
    )
    assert meta.author is not None and meta.author.startswith("Ofsted, Care Quality Commission (CQC)")
    assert meta.creator == "jtai 9.9.9"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert b"pdfuaid" in reader.xmp_metadata.stream.get_data()  # type: ignore[union-attr]
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[union-attr]
    }
    assert fonts and all("Liberation-Sans" in name for name in fonts)


def test_pdf_text_has_headings_and_deadline(rendered: tuple[bytes, list[str]]) -> None:
    """Every section heading and the computed deadline are in the PDF's text."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(rendered[0]))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for heading in HEADINGS:
        assert heading in text
    assert "on behalf of the partnership, by 16 August 2018." in text
    assert "Page 1 of" in text
    assert "Joint targeted area inspection: Seaborough, 9 May 2018" in text  # the running header


def test_pdf_fetches_only_packaged_assets(rendered: tuple[bytes, list[str]]) -> None:
    """The renderer asked for the stylesheets and fonts only: nothing from the evidence text."""
    asked = rendered[1]
    root = templates_dir().as_uri()
    assert asked and all(url.startswith(root + "/") for url in asked)
    names = sorted({url.rsplit("/", 1)[1] for url in asked})
    assert names == [
        "LiberationSans-Bold.ttf",
        "LiberationSans-BoldItalic.ttf",
        "LiberationSans-Italic.ttf",
        "LiberationSans-Regular.ttf",
        "fonts.css",
        "print.css",
        "report.css",
    ]
    assert not any("passwd" in url or url.startswith("http") for url in asked)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/tracker.png",
        "https://example.org/x.css",
        "data:text/css,body{}",
        "ftp://example.org/x",
        "TEMPLATES/../../../etc/passwd",
        "TEMPLATES/letter.html.j2",
        "TEMPLATES/report.css?x=1",
        "TEMPLATES/missing.css",
    ],
)
def test_fetcher_refuses_everything_else(url: str) -> None:
    """Files outside the assets, non-asset files, queries and every other scheme are refused."""
    url = url.replace("TEMPLATES", templates_dir().as_uri())
    asked: list[str] = []
    fetcher = asset_fetcher(asked.append)
    assert not is_packaged_asset(url)
    with pytest.raises(ValueError, match="only the packaged report assets"):
        fetcher.fetch(url)
    assert asked == [url]


def test_fetcher_serves_an_asset() -> None:
    """A packaged font is served with its bytes."""
    url = (templates_dir() / "fonts" / "LiberationSans-Regular.ttf").as_uri()
    response = asset_fetcher().fetch(url)
    assert response.read()[:4] == b"\x00\x01\x00\x00"


@pytest.mark.parametrize(
    ("counts", "sentence"),
    [
        (
            {"yes": 4, "partly": 1, "no": 1},
            "Of the six cases where inspectors asked whether the child was safer because of what the "
            "agencies did, four children were safer, one was partly safer and one was not.",
        ),
        (
            {"yes": 1},
            "In the one case where inspectors asked whether the child was safer because of what the "
            "agencies did, the child was safer.",
        ),
        (
            {"no": 2, "too_early": 1},
            "Of the three cases where inspectors asked whether the child was safer because of what the "
            "agencies did, two children were not and for one it was too early to say.",
        ),
        (
            {"yes": 2, "unresolved": 1},
            "Of the three cases where inspectors asked whether the child was safer because of what the "
            "agencies did, two children were safer and for one the inspectors have not yet agreed.",
        ),
        (
            {"unresolved": 1},
            "In the one case where inspectors asked whether the child was safer because of what the "
            "agencies did, the inspectors have not yet agreed.",
        ),
        ({}, ""),
    ],
)
def test_children_safer_sentence(counts: dict[str, int], sentence: str) -> None:
    """The case-question answers become one plain sentence."""
    from jtai.report.letter_context import children_safer_sentence

    assert children_safer_sentence(counts) == sentence


def _letter(run, ws: workspace.Workspace, *args: str):  # type: ignore[no-untyped-def]
    return run("--workspace", str(ws.root), "report", "letter", *args)


def test_cli_letter_needs_findings(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """No findings.yaml, or one without findings: exit 7, saying how to write them; nothing written."""
    ws = make_workspace(tmp_path / "ws")
    result = _letter(run, ws)
    assert result.exit_code == 7, result.output
    message = " ".join(result.stderr.split())
    assert message.startswith(
        f"Error: {ws.root / 'findings.yaml'}: no findings yet, so there is no letter to write."
    )
    assert "`jtai findings` shows the candidate findings" in message
    assert "check it with `jtai findings check`" in message
    write_findings(ws, "headline: [Staff are tenacious.]\nfindings: []\n")
    result = _letter(run, ws)
    assert result.exit_code == 7, result.output
    assert "the file holds no findings, so there is no letter to write." in result.stderr
    assert list(ws.reports_dir.iterdir()) == []


def test_cli_reports_need_the_fieldwork_dates(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A blank fieldwork_start is a settings error (exit 6) for the letter and the evidence pack."""
    ws = make_workspace(tmp_path / "ws")
    write_findings(ws, CLEAN_FINDINGS)
    text = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(re.sub(r"(?m)^fieldwork_start:.*$", "fieldwork_start:", text), encoding="utf-8")
    for command in ("letter", "evidence"):
        result = run("-w", str(ws.root), "report", command)
        assert result.exit_code == 6, result.output
        assert "fieldwork_start is not set" in result.stderr
    assert list(ws.reports_dir.iterdir()) == []


def test_cli_letter_refused_when_the_findings_check_fails(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Problems `jtai findings check` reports (an unknown agency, no evidence): exit 4, nothing written."""
    ws = make_workspace(tmp_path / "ws")
    write_findings(
        ws,
        CLEAN_FINDINGS
        + "  - {id: I2, kind: improvement, text: Visits are late., agencies: [youth club team], "
        "criteria: [DD3], evidence: [minutes]}\n"
        "  - {id: S1, kind: strength, text: Staff are tenacious., criteria: [DD8]}\n",
    )
    result = _letter(run, ws, "--html", str(tmp_path / "letter.html"))
    assert result.exit_code == 4, result.output
    message = " ".join(result.stderr.split())
    assert message == (
        f"Error: {ws.root / 'findings.yaml'}: 2 problem(s) in the findings, so the letter was not written: "
        "line 3, I2: unknown agency 'youth club team' (use csc, police, health, probation, yos, education, "
        "or none for the partnership); line 4, S1: no evidence: it names no case or other evidence it "
        "rests on. Fix them first (`jtai findings check` lists them all), then render the letter again."
    )
    assert not (tmp_path / "letter.html").exists()


def test_cli_letter_unknown_agency_naming_a_child(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An agency written as "Quillfeather's team" is never printed: the guard refuses it first."""
    ws = make_workspace(tmp_path / "ws")
    write_findings(
        ws,
        "findings:\n  - {kind: improvement, text: Visits are late., agencies: [Quillfeather's team], "
        "evidence: [minutes]}\n",
    )
    result = _letter(run, ws)
    assert result.exit_code == 10, result.output
    assert "under 'Areas for improvement'): a name (Q***********)" in result.stderr
    assert list(ws.reports_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pdf", "same.pdf", "--html", "same.pdf"), "--pdf and --html name the same file (same.pdf)."),
        (("--pdf", "l.html"), "--pdf l.html: the PDF file's name must end in .pdf. Name it e.g. l.pdf."),
        (("--html", "l.pdf"), "--html l.pdf: the HTML file's name must end in .html or .htm."),
    ],
)
def test_cli_letter_output_names(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:  # type: ignore[no-untyped-def]
    """One file for both formats, or a wrong suffix: a usage error before anything is rendered."""
    ws = make_workspace(tmp_path / "ws")
    write_findings(ws, CLEAN_FINDINGS)
    monkeypatch.chdir(tmp_path)
    result = _letter(run, ws, *args)
    assert result.exit_code == 2, result.output
    assert f"Error: {message}" in " ".join(result.stderr.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws"]


def test_cli_letter_is_private_and_not_overwritten(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Written 0600 outside the workspace whatever the umask; an existing file needs --force."""
    ws = make_workspace(tmp_path / "ws")
    write_findings(ws, CLEAN_FINDINGS)
    pdf, html = tmp_path / "l.pdf", tmp_path / "l.html"
    old = os.umask(0o022)
    try:
        result = _letter(run, ws, "--pdf", str(pdf), "--html", str(html))
        assert result.exit_code == 0, result.output
        assert [stat.S_IMODE(p.stat().st_mode) for p in (pdf, html)] == [0o600, 0o600]
        html.write_text("kept", encoding="utf-8")
        result = _letter(run, ws, "--html", str(html))
        assert result.exit_code == 8, result.output
        assert (
            f"Error: {html} already exists. Choose another name, or add --force to replace it."
            in " ".join(result.stderr.split())
        )
        assert html.read_text(encoding="utf-8") == "kept"
        result = _letter(run, ws, "--html", str(html), "--force")
        assert result.exit_code == 0, result.output
        assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert stat.S_IMODE(html.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_failed_render_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF renderer failing after the HTML is ready: neither file, nor a temporary one, is left."""
    from jtai.report import render
    from jtai.report.letter import write_letter

    ws = make_workspace(tmp_path / "ws")
    write_findings(ws, CLEAN_FINDINGS)

    def broken(html: str, **_: object) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(render, "html_to_pdf", broken)
    with pytest.raises(OSError, match="disk full"):
        write_letter(ws, pdf=tmp_path / "l.pdf", html=tmp_path / "l.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws"]


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing the second of two files fails: the first is not replaced, no temporary file is left."""
    from jtai.report import publish

    ws = make_workspace(tmp_path / "ws")
    first, second = tmp_path / "a.html", tmp_path / "b.pdf"
    first.write_text("previous", encoding="utf-8")
    calls: list[int] = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError("disk full")

    monkeypatch.setattr(publish.os, "fsync", fsync)
    with pytest.raises(OSError, match="disk full"):
        publish.write_files(ws, [(first, b"new"), (second, b"%PDF-")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "ws"]
    assert first.read_text(encoding="utf-8") == "previous"


def test_report_help_has_an_example(run) -> None:  # type: ignore[no-untyped-def]
    """`jtai report --help` shows an example, as every command group's help does."""
    result = run("report", "--help")
    assert result.exit_code == 0, result.output
    assert "Example: jtai report letter --pdf letter.pdf --html letter.html" in result.stdout


def test_cli_letter_never_writes_into_the_workspace_files(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A report named into the workspace's extracts/ is refused even with --force; nothing written."""
    ws = make_workspace(tmp_path / "ws")
    write_findings(ws, CLEAN_FINDINGS)
    target = ws.extracts_dir / "letter.html"
    ws.extracts_dir.mkdir(exist_ok=True)
    result = _letter(run, ws, "--html", str(target), "--force")
    assert result.exit_code == 8, result.output
    assert "workspace" in result.stderr
    assert not target.exists()


def test_addressees_follow_the_frameworks_era() -> None:
    """2016-2021 letters also go to the Community Rehabilitation Company; later ones to probation's region."""
    from jtai.frameworks import load_framework
    from jtai.report.letter_context import addressees

    config = {"addressees": [{"role": "Director of Children's Services, Seaborough", "name": "Pat Example"}]}
    old = [a.role for a in addressees(load_framework("exploitation-2018"), config)]
    assert old[0] == "Director of Children's Services, Seaborough"
    assert "Chief Executive of the Community Rehabilitation Company" in old
    assert "Director of Children's Services" not in old  # covered by the one inspection.yaml names
    new = [a.role for a in addressees(load_framework("front-door-2022"), config)]
    assert not any("Rehabilitation" in role for role in new) and "Regional Probation Director" in new


def test_every_agency_in_scope_gets_its_main_findings() -> None:
    """Main findings written for an agency go under it; an agency in scope with none says so."""
    from jtai.frameworks import load_framework
    from jtai.report.letter_context import agency_findings
    from jtai.scoring.findings_file import FindingsDoc

    doc = FindingsDoc.model_validate(
        {"findings": [{"kind": "main", "agencies": ["police"], "text": "Officers respond promptly."}]}
    )
    parts = agency_findings(load_framework("exploitation-2018"), doc, ["csc", "police"])
    assert [(p.heading, p.points) for p in parts] == [
        ("Children's social care", ()),
        ("Police", ("Officers respond promptly.",)),
    ]
    html = letter_html(sample_letter(agency_findings=parts))
    assert "No main findings are recorded for this agency." in html
