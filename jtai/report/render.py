"""Turn report content into HTML (standalone, accessible) and PDF (A4, tagged, PDF/UA-1).

Every template is rendered twice from the same content: ``paged=False`` gives one
self-contained HTML file (styles inline, no font files, opens anywhere);
``paged=True`` gives the HTML that WeasyPrint lays out on A4 with the shipped font.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jtai import __version__
from jtai.report.assets import asset_fetcher, environment, import_weasyprint, templates_dir


@dataclass(frozen=True)
class DocInfo:
    """What every report says about itself: the PDF metadata and the running header.

    Attributes:
        title: the document title (HTML ``<title>`` and the PDF's Title).
        authors: the PDF's Author entries (the inspectorates, or the area).
        description: the PDF's Subject.
        running_header: the line printed at the top of every page after the first.
        marking: a protective marking such as ``OFFICIAL-SENSITIVE``, printed top and bottom.
    """

    title: str
    authors: tuple[str, ...]
    description: str
    running_header: str
    keywords: tuple[str, ...] = ("joint targeted area inspection", "child protection")
    marking: str = ""
    version: str = __version__
    created: str = field(default_factory=lambda: dt.date.today().isoformat())


def render_html(template: str, doc: DocInfo, *, paged: bool, **context: Any) -> str:
    """Render one template to an HTML string.

    Args:
        template: the template file name, e.g. ``letter.html.j2``.
        doc: the document's metadata.
        paged: True for the HTML that becomes the PDF, False for the standalone HTML file.
        **context: the template's own variables.
    """
    inline_css = "" if paged else (templates_dir() / "report.css").read_text(encoding="utf-8")
    return environment().get_template(template).render(doc=doc, paged=paged, inline_css=inline_css, **context)


def table_header_scopes(_document: Any, pdf: Any) -> None:
    """Give every table header cell of the tagged PDF its ``/Scope``, as ``scope`` does in HTML.

    WeasyPrint links each data cell to its headers but writes no Scope: a header in the
    table's head is a column header, one in its body (the first cell of a row) a row header.
    Called as WeasyPrint's ``finisher`` on the PDF's objects before they are written.
    """
    objects = pdf.objects

    def parent(item: Any) -> Any:
        ref = item.get("P") if hasattr(item, "get") else None
        if not isinstance(ref, bytes):
            return None
        number = int(ref.split()[0])
        return objects[number] if 0 <= number < len(objects) else None

    for item in objects:
        if hasattr(item, "get") and item.get("S") == "/TH":
            row = parent(item)
            section = parent(row) if row is not None else None
            scope = "/Column" if section is not None and section.get("S") == "/THead" else "/Row"
            attributes = item.get("A")
            if hasattr(attributes, "__setitem__"):
                attributes["Scope"] = scope


def html_to_pdf(
    html: str,
    *,
    on_request: Callable[[str], None] | None = None,
    options: Mapping[str, Any] | None = None,
) -> bytes:
    """Lay out ``html`` (rendered with ``paged=True``) as a tagged PDF/UA-1 document.

    Only packaged assets are fetched (see :func:`jtai.report.assets.asset_fetcher`).

    Args:
        html: the paged HTML.
        on_request: called with every URL WeasyPrint asks for (for tests and audits).
        options: WeasyPrint ``write_pdf`` options that replace the defaults.

    Returns:
        The PDF file's bytes.
    """
    import logging

    weasyprint = import_weasyprint()
    # WeasyPrint logs each refused fetch as a warning; the refusal is the point, so keep quiet.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(
        string=html,
        base_url=templates_dir().as_uri() + "/",
        url_fetcher=asset_fetcher(on_request),
    )
    # custom metadata: the HTML's other <meta name> entries (the audit log's head) in the PDF's Info
    settings: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": True}
    settings.update(options or {})
    pdf = document.write_pdf(finisher=table_header_scopes, **settings)
    assert isinstance(pdf, bytes)
    return pdf
