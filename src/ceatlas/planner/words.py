"""Amounts as the planner's messages write them. Pure."""

from __future__ import annotations


def money(cents: int) -> str:
    """``$650`` or ``$12.50``."""
    return f"${cents / 100:,.0f}" if cents % 100 == 0 else f"${cents / 100:,.2f}"


def hours_text(hundredths: int) -> str:
    """``24 h`` or ``1.5 h``."""
    return f"{hundredths / 100:g} h"
