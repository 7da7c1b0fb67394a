"""Data behind the sample catalog: fictional providers, course templates and programs."""
