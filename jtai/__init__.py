"""jtai: joint targeted area inspections, from agency extracts to the letter of findings."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jtai")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
