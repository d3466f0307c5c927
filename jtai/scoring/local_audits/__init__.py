"""The area's own audits of the tracked children: requested, imported and compared.

In week 1 inspectors choose the children to track and every agency audits them; the area
returns its audits in week 2; in week 3 inspectors judge the quality of those audits
against their own grades of the same children. Modules (import the one you need):

- :mod:`~jtai.scoring.local_audits.forms`: ``build_form(conn, fw, key, area=, agency=)``,
  the request for one agency (tracked picks, the agency's criteria, the scale).
- :mod:`~jtai.scoring.local_audits.request`: ``write_requests(...)``, private XLSX and YAML files.
- :mod:`~jtai.scoring.local_audits.importing`: ``import_files(conn, fw, key, paths, root=)``,
  each file checked whole and written all or nothing.
- :mod:`~jtai.scoring.local_audits.compare`: ``compare(conn, fw) -> Comparison``,
  ``pooled(fw, pairs)`` (pairs of several agencies or areas together),
  ``generosity_candidates(fw, result)``, ``comparison_json(fw, result)``.

The area's grades are judgements of the ``local`` inspectorate with source ``area_audit``
(:data:`jtai.scoring.judgements.AREA_AUDIT`); moderation and findings leave them out.
"""
