"""Admin screens: filled in by the import/identity/export work."""
