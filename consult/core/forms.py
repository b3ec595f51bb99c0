"""Forms every feature shares: EmptyForm, the CSRF-only form behind POST buttons."""

from __future__ import annotations

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """CSRF-only form for buttons that POST."""
