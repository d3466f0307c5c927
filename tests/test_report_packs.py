"""The evidence pack, the self-assessment and `jtai report` on a small workspace."""

from __future__ import annotations

import io
import json
import os
import re
import stat
from pathlib import Path

import pytest
from _report_helpers import CLEAN_FINDINGS, HOSTILE_NOTE, import_judgements, make_workspace, write_findings

from jtai import workspace
from jtai.pseudonym import pseudonym
from jtai.report.assets import templates_dir
from jtai.report.evidence import evidence_html, evidence_parts
from jtai.report.render import html_to_pdf
from jtai.report.selfassess import write_self_assessment
from jtai.workspace import workspace_framework


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> workspace.Workspace:
    """Two children graded on DD2 (agreeing) and DD5 (not); answers to the case question; a hostile note."""
    ws = make_workspace(tmp_path_factory.mktemp("packs") / "ws")
    one, two = pseudonym(ws.key, "k1"), pseudonym(ws.key, "k2")
    note = HOSTILE_NOTE.replace('"', '\\"')
    rater_a = "inspector: Al, inspectorate: ofsted"
    rater_b = "inspector: Bob, inspectorate: cqc"
    question = "criterion: case_question, agency: all"
    import_judgements(
        ws,
        [
            f'  - {{case: {one}, criterion: DD2, agency: csc, grade: inadequate, {rater_a}, note: "{note}"}}',
            f"  - {{case: {one}, criterion: DD2, agency: csc, grade: inadequate, {rater_b}, note: Late.}}",
            f"  - {{case: {two}, criterion: DD2, agency: csc, grade: good, {rater_a}}}",
            f"  - {{case: {two}, criterion: DD2, agency: csc, grade: good, {rater_b}}}",
            f"  - {{case: {one}, criterion: DD2, agency: police, grade: good, {rater_a}}}",
            f"  - {{case: {two}, criterion: DD2, agency: police, grade: good, {rater_a}}}",
            f'  - {{case: {one}, {question}, grade: "no", {rater_a}, note: No.}}',
            f'  - {{case: {two}, {question}, grade: "yes", {rater_a}, note: Yes.}}',
            f'  - {{case: {two}, {question}, grade: "partly", {rater_b}, note: Partly.}}',
            f"  - {{case: {one}, criterion: DD5, agency: police, grade: good, {rater_a}}}",
            f"  - {{case: {one}, criterion: DD5, agency: police, grade: requires_improvement, {rater_b}, "
            "note: No disruption.}",
        ],
    )
    (ws.root / "findings.yaml").write_text(
        "findings:\n"
        "  - {kind: priority_action, text: Return home interviews are not offered to every child., "
        "agencies: [csc], criteria: [DD2]}\n",
        encoding="utf-8",
    )
    return ws


@pytest.fixture(scope="module")
def evidence(ws: workspace.Workspace) -> tuple[str, str]:
    """The evidence pack's standalone HTML and paged HTML."""
    fw = workspace_framework(ws)
    conn = ws.connect()
    try:
        parts = evidence_parts(ws, fw, conn)
    finally:
        conn.close()
    return evidence_html(ws, parts, fw, paged=False), evidence_html(ws, parts, fw, paged=True)


def test_evidence_outline(evidence: tuple[str, str]) -> None:
    """Marked OFFICIAL-SENSITIVE top and bottom; its parts in order."""
    html = evidence[0]
    assert html.count('<p class="marking">OFFICIAL-SENSITIVE</p>') == 2
    assert re.findall(r'<h2 id="p-[^"]+">([^<]+)</h2>', html) == [
        "Method",
        "Case summaries",
        "Judgements",
        "Indicators",
        "Charts",
        "Moderation",
        "Children safer",
        "Findings and their evidence",
        "Who judged which agency",
        "Evidence notes",
        "Data quality",
        "Quality of local audits",
    ]
    assert "No audit by the area has been imported yet (<code>jtai audits import</code>)." in html
    assert (
        "No sample has been drawn yet (<code>jtai sample tracked</code>, "
        "<code>jtai sample front-door</code>)." in html
    )


def test_evidence_tables(evidence: tuple[str, str]) -> None:
    """Judgement counts per agency, the case question and the agreement table hold the data."""
    html = evidence[0]
    row = re.search(r"<tr><th scope=\"row\">DD2</th><td>Children&#39;s social care</td>(.*?)</tr>", html)
    assert row is not None
    # the four grades and the cases; no column for values off the scale that nobody gave
    assert re.findall(r">(\d+)<", row.group(1)) == ["0", "1", "0", "1", "2"]
    assert "Not applicable" not in html and "Insufficient evidence" not in html
    assert '<tr><th scope="row">No</th><td class="num">1</td><td class="num">50%</td></tr>' in html
    assert '<th scope="row">DD2</th><td class="num">2</td><td class="num">2</td><td>1.00' in html
    assert (
        html.count('<svg role="img" aria-label="Grades by agency, other cases, as shares. Stacked bars') == 1
    )
    # shares with their counts, per strand (no sample: every case is in "other cases")
    assert (
        '<tr><th scope="row">Police</th><td class="num">0 (0%)</td><td class="num">2 (67%)</td>'
        '<td class="num">1 (33%)</td><td class="num">0 (0%)</td><td class="num">3</td></tr>' in html
    )
    assert "Jayden" not in html and "Quillfeather" not in html


def test_reports_use_the_scoring_final_values(ws: workspace.Workspace) -> None:
    """Reports read each item's final value and its unresolved mark from `jtai.scoring.findings.finals`."""
    from jtai.report.area_results import final_judgements
    from jtai.scoring.findings import finals

    fw = workspace_framework(ws)
    conn = ws.connect()
    try:
        graded = [(g.case, g.criterion, g.agency, g.value, g.unresolved) for g in final_judgements(conn, fw)]
        expected = [(f.case_ref, f.criterion, f.agency, f.value, f.unresolved) for f in finals(conn, fw)]
    finally:
        conn.close()
    assert graded == expected
    one = pseudonym(ws.key, "k1")
    assert (one, "DD5", "police", "requires_improvement", True) in graded


def test_disagreements_count_at_the_lower_grade(evidence: tuple[str, str]) -> None:
    """Inspectors grading good and requires improvement: counted once, at the lower grade, and said so."""
    html = evidence[0]
    row = re.search(r"<tr><th scope=\"row\">DD5</th><td>Police</td>(.*?)</tr>", html)
    assert row is not None
    assert re.findall(r">(\d+)<", row.group(1)) == ["0", "0", "1", "0", "1"]
    assert (
        "1 item is still to be agreed in moderation (<code>jtai moderate</code>) and counted at the lower "
        "grade here." in html
    )
    assert (
        '<tr><th scope="row">Inspectors differ (not yet agreed)</th><td class="num">1</td>'
        '<td class="num">50%</td></tr>' in html
    )
    assert '<tr><th scope="row">Yes</th><td class="num">0</td><td class="num">0%</td></tr>' in html


def test_judgement_table_shows_off_scale_values_given() -> None:
    """A column for "not applicable" appears once some judgement in the table has that value."""
    from jtai.frameworks import load_framework
    from jtai.report.area_results import Graded
    from jtai.report.evidence import judgement_table

    fw = load_framework("exploitation-2018")
    graded = [
        Graded("C-1", "DD1", "csc", "good"),
        Graded("C-2", "DD1", "csc", "not_applicable"),
        Graded("C-2", "DD2", "csc", "inadequate"),
    ]
    table = judgement_table(fw, graded, ["DD1"], "Deep dive")
    assert table.header == (
        "Criterion", "Agency", "Outstanding", "Good", "Requires improvement", "Inadequate",
        "Not applicable", "Cases",
    )  # fmt: skip
    assert table.rows == (("DD1", "Children's social care", "0", "1", "0", "0", "1", "2"),)


def test_only_short_tables_are_kept_on_one_page() -> None:
    """Up to ten rows of short cells stay together; more rows or long text may break between rows."""
    from jtai.report.pack_blocks import Table

    assert Table.build("t", ("a",), [("x",)] * 10).keep
    assert not Table.build("t", ("a",), [("x",)] * 11).keep
    assert not Table.build("t", ("a",), [("x" * 61,)]).keep


def test_hostile_note_is_text(evidence: tuple[str, str]) -> None:
    """The note's script, image and link are escaped, in both HTML versions."""
    for html in evidence:
        assert (
            "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &lt;img src=&#34;file:///etc/passwd&#34;&gt;"
            in html
        )
        assert "see http://example.org/tracker.png. B, Inadequate" in html
        assert "<img" not in html and "<script" not in html


def test_evidence_pdf_fetches_only_assets(evidence: tuple[str, str]) -> None:
    """Rendering the pack asks only for packaged stylesheets and fonts; the PDF opens."""
    from pypdf import PdfReader

    asked: list[str] = []
    pdf = html_to_pdf(evidence[1], on_request=asked.append)
    root = templates_dir().as_uri() + "/"
    assert asked and all(url.startswith(root) for url in asked)
    assert not any("passwd" in url or "example.org" in url for url in asked)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "OFFICIAL-SENSITIVE" in text and "Evidence notes" in text
    assert reader.metadata is not None
    assert reader.metadata.title == "Evidence pack: joint targeted area inspection of Seaborough"


def test_self_assessment(ws: workspace.Workspace, tmp_path: Path) -> None:
    """Standing with counts and its rule, change since an empty earlier workspace, the action plan."""
    earlier = workspace.create(tmp_path / "earlier", area="Seaborough", framework="exploitation-2018")
    written = write_self_assessment(ws, html=tmp_path / "sa.html", compare=earlier.root)
    assert [(w.kind, w.path.name) for w in written] == [("html", "sa.html")]
    html = (tmp_path / "sa.html").read_text(encoding="utf-8")
    assert re.search(
        r'<th scope="row">DD2</th><td>[^<]+</td><td class="num">3 of 4 \(75%\)</td>'
        r'<td class="num">1 of 4 \(25%\)</td><td class="num">1 of 4 \(25%\)</td><td>Priority for action</td>'
        r"<td>1 of 4 inadequate \(25%; 25% or more\)</td>",
        html,
    )
    assert (
        '<th scope="row">DD2</th><td class="num"></td><td class="num">3 of 4 (75%)</td><td class="num"></td>'
        in html
    )
    assert (
        '<tr><th scope="row">1</th><td>Return home interviews are not offered to every child.</td>'
        "<td>High</td><td>Children&#39;s social care</td><td>To be agreed</td><td>DD2</td><td></td></tr>"
        in html
    )
    assert "Change since the last self-assessment" in html
    assert '<h2 id="p-indicators">Our indicators</h2>' in html


def test_self_assessment_names_no_command_and_no_render_day(ws: workspace.Workspace, tmp_path: Path) -> None:
    """A partnership's reader sees no command name; the running header carries no date."""
    empty = workspace.create(tmp_path / "empty", area="Seaborough", framework="exploitation-2018")
    config = empty.root / "inspection.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^fieldwork_start: .*$", "fieldwork_start:", text), encoding="utf-8")
    empty = workspace.Workspace(empty.root)
    for where in (ws, empty):
        write_self_assessment(where, html=tmp_path / f"{where.root.name}.html")
        html = (tmp_path / f"{where.root.name}.html").read_text(encoding="utf-8")
        body = html.split("<main>")[1].split("</main>")[0]
        assert "<code>" not in body and "`" not in body and "jtai " not in body
        assert '<div class="running-header" aria-hidden="true">Self-assessment: Seaborough</div>' in html
    assert "No judgements have been recorded yet.</p>" in body
    assert "which the workspace&#39;s settings do not give yet.</p>" in body


def test_action_plan_file_and_json(run, ws: workspace.Workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """action-plan.yaml gives leads, dates and measures; --json returns positions, indicators, actions."""
    plan = ws.root / "action-plan.yaml"
    plan.write_text(
        "actions:\n"
        "  - action: Offer every child a return home interview within 72 hours.\n"
        "    priority: high\n"
        "    lead: Head of Service, Children in Care\n"
        "    by: 2018-09-30\n"
        "    criteria: [DD2]\n"
        "    measures:\n"
        "      - {indicator: rhi_72h, target: 80}\n",
        encoding="utf-8",
    )
    try:
        out = tmp_path / "sa.html"
        result = run("--workspace", str(ws.root), "report", "self-assessment", "--html", str(out), "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["written"][0]["path"] == str(out)
        dd2 = next(c for c in data["criteria"] if c["id"] == "DD2")
        assert (dd2["judgements"], dd2["good_or_better"], dd2["inadequate"]) == (4, 3, 1)
        assert (dd2["position"], dd2["position_label"]) == ("priority_action", "Priority for action")
        assert dd2["rule"] == "1 of 4 inadequate (25%; 25% or more)"
        assert {i["id"] for i in data["indicators"]} >= {"rhi_72h", "assessment_45wd"}
        (action,) = data["actions"]  # the finding on DD2 is answered by the action
        assert action["lead"] == "Head of Service, Children in Care" and action["by"] == "2018-09-30"
        assert action["measures"][0]["indicator"] == "rhi_72h" and action["measures"][0]["target"] == 80
        html = out.read_text(encoding="utf-8")
        assert (
            "<td>Offer every child a return home interview within 72 hours.</td><td>High</td>"
            "<td>Head of Service, Children in Care</td><td>30 September 2018</td><td>DD2</td>"
            "<td>Missing episodes followed by a return home interview within 72 hours: not available now, "
            "target 80%</td>" in html
        )
        plan.write_text(
            "actions:\n  - {action: X, lead: Y, by: 2018-09-30, criteria: [ZZ9]}\n", encoding="utf-8"
        )
        bad = run("--workspace", str(ws.root), "report", "self-assessment", "--html", str(out), "--force")
        assert bad.exit_code == 6, bad.output
        assert "action-plan.yaml, line 2" in bad.stderr and "no criterion 'ZZ9'" in bad.stderr
    finally:
        plan.unlink()


def test_cli_letter_refused_for_a_childs_name(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A finding naming a loaded child: exit 10, the hit located, nothing written."""
    ws = make_workspace(tmp_path / "named")
    (ws.root / "findings.yaml").write_text(
        "findings:\n  - {kind: strength, text: Quillfeather was seen weekly from SB12AB.}\n", encoding="utf-8"
    )
    result = run("--workspace", str(ws.root), "report", "letter")
    assert result.exit_code == 10, result.output
    assert result.stdout == ""
    assert "The letter would contain identifying data (2 found), so nothing was written:" in result.stderr
    message = " ".join(result.stderr.split())
    # located where it was written: the finding and its line in findings.yaml
    assert "line 2: finding 1: identifies a child: a name (Q***********)" in message
    assert "line 2: finding 1: identifies a child: a postcode (S*****)" in message
    assert "Quillfeather" not in result.stderr
    assert list(ws.reports_dir.iterdir()) == []


def test_cli_letter_writes_html(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A clean letter is written where asked, and --json says where."""
    ws = make_workspace(tmp_path / "clean")
    write_findings(ws, CLEAN_FINDINGS)
    out = tmp_path / "letter.html"
    result = run("--workspace", str(ws.root), "report", "letter", "--html", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert f'"path": "{out}"' in result.stdout
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_missing_output_folder(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An output file in a folder that does not exist is a usage error; nothing is written."""
    ws = make_workspace(tmp_path / "ws")
    target = tmp_path / "missing" / "letter.pdf"
    result = run("--workspace", str(ws.root), "report", "letter", "--pdf", str(target))
    assert result.exit_code == 2, result.output
    assert f"Error: {target}: the folder does not exist. Create it first or name another file." in " ".join(
        result.stderr.split()
    )
    assert not target.parent.exists()


def test_cli_evidence_and_self_assessment(run, ws: workspace.Workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Both commands write the HTML asked for and say where, one line each."""
    evidence = tmp_path / "pack.html"
    result = run("--workspace", str(ws.root), "report", "evidence", "--html", str(evidence))
    assert result.exit_code == 0, result.output
    assert " ".join(result.stdout.split()).startswith("Wrote the evidence pack (HTML, ")
    assert "OFFICIAL-SENSITIVE" in evidence.read_text(encoding="utf-8")
    earlier = workspace.create(tmp_path / "earlier", area="Seaborough", framework="exploitation-2018")
    assessment = tmp_path / "sa.html"
    result = run(
        "--workspace", str(ws.root), "report", "self-assessment", "--html", str(assessment), "--compare",
        str(earlier.root),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Compared with the workspace earlier (Seaborough)." in assessment.read_text(encoding="utf-8")
    result = run(
        "--workspace", str(ws.root), "report", "self-assessment", "--compare", str(tmp_path / "none")
    )
    assert result.exit_code == 3, result.output
    assert "no earlier workspace there (no inspection.yaml)" in result.stderr


def test_framework_text_is_not_a_name(ws: workspace.Workspace, tmp_path: Path) -> None:
    """A surname equal to a word that starts a criterion ("Direct work ...") does not block the report."""
    from jtai.anonymity.guard import IdentifyingIndex

    index = IdentifyingIndex()
    index.add_name(None, "Direct")
    written = write_self_assessment(ws, html=tmp_path / "sa.html", index=index)
    assert [w.path.name for w in written] == ["sa.html"]
    assert "<td>Direct work with the child is persistent and trusted" in (tmp_path / "sa.html").read_text(
        encoding="utf-8"
    )


def test_every_note_of_every_inspector(evidence: tuple[str, str], ws: workspace.Workspace) -> None:
    """Each inspector's note on an item is shown, with who wrote it and the grade they gave."""
    html = evidence[0]
    one, two = pseudonym(ws.key, "k1"), pseudonym(ws.key, "k2")
    assert "<p>6 notes on 2 cases, grouped by case, then criterion" in html
    # each inspector named once, in the key; notes carry initials
    assert '<tr><th scope="row">A</th><td>Al</td><td>Ofsted</td></tr>' in html
    assert '<tr><th scope="row">B</th><td>Bob</td><td>Care Quality Commission</td></tr>' in html
    notes = html.split('<h2 id="p-notes">')[1]
    assert "Al" not in notes.split("</table>")[1] and "Bob" not in notes.split("</table>")[1]

    def items(case: str) -> list[str]:
        block = notes.split(f'<h3 id="p-notes-{case}">')[1].split("</ul>")[0]
        return re.findall(r"<li>(.*?)</li>", block)

    question, dd2, dd5 = items(one)
    assert question == "Is the child safer? — A, No: No."
    assert dd2.startswith("DD2 — Children&#39;s social care: A, Inadequate: Seen at home &lt;")
    # CQC's inspector graded children's social care, which Ofsted judges: marked
    assert dd2.endswith("B, Inadequate [outside their inspectorate&#39;s agencies]: Late.")
    assert (
        dd5
        == "DD5 — Police: B, Requires improvement [outside their inspectorate&#39;s agencies]: No disruption."
    )
    assert items(two) == ["Is the child safer? — A, Yes: Yes. B, Partly: Partly."]
    assert "<p>2 notes are marked as written by an inspector outside their inspectorate" in html


def test_judgements_outside_the_inspectorate_are_counted(evidence: tuple[str, str]) -> None:
    """The framework says which inspectorate judges which agency; the others are listed per inspector."""
    html = evidence[0]
    part = html.split('<h2 id="p-outside">Who judged which agency</h2>')[1].split("</section>")[0]
    assert "Care Quality Commission: Health;" in part
    assert re.findall(
        r"<tr><th scope=\"row\">(\w+)</th><td>([^<]+)</td><td>([^<]+)</td><td class=\"num\">(\d+)", part
    ) == [
        ("Al", "Ofsted", "Police", "3"),
        ("Bob", "Care Quality Commission", "Children&#39;s social care", "2"),
        ("Bob", "Care Quality Commission", "Police", "1"),
    ]


def test_compare_refuses_another_framework(run, ws: workspace.Workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """--compare with a workspace on another framework: exit 8 naming both frameworks; nothing written."""
    earlier = workspace.create(tmp_path / "earlier", area="Seaborough", framework="neglect-2017")
    out = tmp_path / "sa.html"
    result = run(
        "--workspace",
        str(ws.root),
        "report",
        "self-assessment",
        "--html",
        str(out),
        "--compare",
        str(earlier.root),
    )
    assert result.exit_code == 8, result.output
    message = " ".join(result.stderr.split())
    assert f"Error: {earlier.root} was assessed against " in message
    assert "(neglect-2017), this workspace against " in message
    assert "(exploitation-2018): their criteria differ, so the two cannot be compared." in message
    assert not out.exists()


@pytest.mark.parametrize("command", ["letter", "evidence", "self-assessment"])
def test_reports_are_private_and_not_overwritten(run, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    """Every report is written 0600 outside the workspace; an existing file is replaced only with --force."""
    ws = make_workspace(tmp_path / "ws")
    write_findings(ws, CLEAN_FINDINGS)
    pdf, html = tmp_path / "out.pdf", tmp_path / "out.html"
    args = ("--workspace", str(ws.root), "report", command, "--pdf", str(pdf), "--html", str(html))
    old = os.umask(0o022)
    try:
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert [stat.S_IMODE(p.stat().st_mode) for p in (pdf, html)] == [0o600, 0o600]
        assert pdf.read_bytes().startswith(b"%PDF-")
        pdf.write_bytes(b"kept")
        result = run(*args)
        assert result.exit_code == 8, result.output
        assert f"Error: {pdf} and {html} already exist. Choose another name, or add --force" in result.stderr
        assert pdf.read_bytes() == b"kept"
        result = run(*args, "--force")
        assert result.exit_code == 0, result.output
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html", "out.pdf", "ws"]


def test_reports_folder_is_private(run, ws: workspace.Workspace) -> None:  # type: ignore[no-untyped-def]
    """With no file named, the evidence pack goes to reports/ (0600), replacing the previous one."""
    for _ in range(2):
        result = run("--workspace", str(ws.root), "report", "evidence")
        assert result.exit_code == 0, result.output
    files = sorted(ws.reports_dir.iterdir())
    assert [p.name for p in files] == ["evidence-pack.html", "evidence-pack.pdf"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
