"""CE Atlas: continuing education for massage therapists and bodyworkers."""

__version__ = "0.1.0"
