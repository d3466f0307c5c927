"""Inspectors' judgements, moderation and findings."""
