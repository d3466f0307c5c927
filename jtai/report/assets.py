"""Where the templates are, the Jinja2 environment, and the only URL fetcher the PDF uses.

Templates, CSS and fonts live in the repository's top-level ``templates/`` folder, which
the wheel ships as ``jtai/_templates``. :func:`templates_dir` finds them in both cases.

:func:`asset_fetcher` gives WeasyPrint a fetcher that serves files from that folder and
refuses everything else: no other file on the machine, no network, no ``data:`` URL. Evidence
text is written by people and could hold ``<img src="file:///etc/passwd">``; autoescaping
turns that into text, and the fetcher is the second lock behind it.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from jtai.errors import JtaiError
from jtai.report.text import format_date, format_list, number_word, with_commands

if TYPE_CHECKING:
    import jinja2

# Files the renderer may fetch, by suffix; anything else in the folder is refused too.
_ASSET_SUFFIXES = frozenset({".css", ".ttf", ".otf", ".woff", ".woff2", ".svg", ".png"})


def templates_dir() -> Path:
    """The folder holding the templates: installed package data, else the source tree.

    Raises:
        JtaiError: neither place holds them (a broken installation).
    """
    packaged = importlib.resources.files("jtai") / "_templates"
    candidates = [Path(str(packaged)), Path(__file__).resolve().parents[2] / "templates"]
    for folder in candidates:
        if (folder / "letter.html.j2").is_file():
            return folder.resolve()
    raise JtaiError(
        "The report templates are missing from this installation of jtai.",
        hint="Reinstall jtai: pip install --force-reinstall jtai",
    )


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment: autoescaping on, undefined names an error, filters added."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,  # every template is HTML: evidence text must show as text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["longdate"] = date_markup
    env.filters["andlist"] = format_list
    env.filters["words"] = number_word
    env.filters["commands"] = with_commands
    return env


def date_markup(day: dt.date | None) -> Markup:
    """A date as the reports print it, kept on one line: ``<span class="nowrap">24 August 2018</span>``."""
    return Markup('<span class="nowrap">{}</span>').format(format_date(day))


def asset_url(name: str) -> str:
    """The ``file:`` URL of one packaged asset (a font or the stylesheet)."""
    return (templates_dir() / name).as_uri()


def is_packaged_asset(url: str) -> bool:
    """Whether ``url`` names a file inside the templates folder with an asset suffix."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
        return False
    root = templates_dir()
    try:
        path = Path(unquote(parts.path)).resolve()
    except (OSError, ValueError):
        return False
    return path.is_relative_to(root) and path.suffix.lower() in _ASSET_SUFFIXES and path.is_file()


def asset_fetcher(on_request: Callable[[str], None] | None = None) -> Any:
    """A WeasyPrint URL fetcher that serves packaged assets only.

    Args:
        on_request: called with every URL asked for, served or refused (tests use it to
            prove that evidence text triggers no fetch).

    Returns:
        A ``weasyprint.urls.URLFetcher`` whose ``fetch`` refuses every URL outside the
        templates folder by raising ``ValueError`` (WeasyPrint then leaves the resource out).
    """
    import_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _AssetFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if on_request is not None:
                on_request(url)
            if not is_packaged_asset(url):
                raise ValueError("refused: only the packaged report assets may be fetched")
            path = Path(unquote(urlsplit(url).path)).resolve()
            media = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
            content_type = media.get(path.suffix.lower(), "font/ttf")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return _AssetFetcher(allowed_protocols=["file"], allow_redirects=False)


def import_weasyprint() -> Any:
    """Import WeasyPrint without its warning about an optional system library.

    WeasyPrint 70 warns (DeprecationWarning) when HarfBuzz-Subset is not installed; it still
    renders and embeds font subsets, and the warning means nothing a user can act on.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
    return weasyprint
