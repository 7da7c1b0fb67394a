"""Quality measurements over the public entry points (labelled sets, side by side)."""
