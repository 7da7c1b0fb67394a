"""``ceatlas kb``: browse and validate the knowledge base (placeholder until the KB lands)."""

import typer

app = typer.Typer(help="Browse and validate the knowledge base.", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Validate the knowledge base."""
    raise typer.Exit(1)
