"""One exception base for fatal conditions the user can fix (exit 1)."""

from __future__ import annotations


class PartnerbookError(Exception):
    """A fatal condition with a message meant for the user."""
