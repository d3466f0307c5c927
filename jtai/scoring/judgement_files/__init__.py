"""Judgement files: their formats, templates, import and export."""
