"""``ceatlas generate`` (placeholder until the generator lands)."""

import typer


def generate() -> None:
    """Generate a synthetic catalog (not available yet)."""
    raise typer.Exit(2)
