"""partnerbook: partnerships as code for ecommerce teams."""

from __future__ import annotations

__version__ = "0.1.0"
