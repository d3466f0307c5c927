"""Inspectors' judgements, the audit log, moderation and findings.

Modules and the functions other areas call (import the module you need; this package
imports nothing itself, so loading one module stays cheap):

- :mod:`jtai.scoring.judgements`: ``record(conn, fw, case_ref=, criterion=, agency=, value=,
  note=, rater=Rater(name, inspectorate), reason=, role="rater"|"agreed", root=)``,
  ``current(conn, case_ref=, inspector=, role=, criterion=) -> list[Judgement]`` (newest
  version of each judgement), ``history(conn, case_ref=)``.
- :mod:`jtai.scoring.cases`: ``known_cases(conn, key)``, ``sampled_cases(conn, key)``,
  ``resolve(conn, key, ref, by=, add=, root=)``, ``question_scope(conn, fw, case, agencies)``
  (the agencies and sections capture, templates and ``score list`` ask about).
- :mod:`jtai.scoring.references`: ``require_fit(conn, ref)`` refuses a new hand-named
  reference that is, or looks like, a name or an identifier.
- :mod:`jtai.scoring.findings`: ``finals(conn, fw)`` (one value per case x criterion x
  agency), ``aggregate(conn, fw) -> list[Cell]``, ``case_answers(conn, fw)``,
  ``question_counts(conn, fw)``, ``candidates(fw, cells)``, ``findings_json(...)``.
- :mod:`jtai.scoring.findings_file`: ``load_findings(path) -> FindingsDoc`` (``.findings``,
  ``.by_kind(kind)``, ``.lines``), ``findings_path(root)``, ``check(conn, fw, doc, key=) ->
  list[Problem]`` (empty when the file is clean; ``Problem.describe()`` is one line).
- :mod:`jtai.scoring.moderation`: ``moderate(conn, fw) -> Moderation``,
  ``moderation_json(result)``, ``resolve(...)``.
- :mod:`jtai.scoring.judgement_files.workspace_io`: ``export_rows(conn, history=, case_ref=)`` (judgements as
  plain rows), ``import_file(...)``, ``template_rows(...)``.
- :mod:`jtai.audit`: ``append(conn, actor=, action=, case_ref=, detail=)`` inside a
  transaction then ``save_head(root, entry)``; ``verify(conn, root)``; ``entries(conn)``.
- :mod:`jtai.scoring.agreement`: the inter-rater agreement statistics.
"""
