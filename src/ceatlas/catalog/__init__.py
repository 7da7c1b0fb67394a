"""The catalog: providers, courses, scheduled sessions and programs."""
