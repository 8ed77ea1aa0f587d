"""Connects the national-portal sync to dossier events (filled in by the sync work)."""
