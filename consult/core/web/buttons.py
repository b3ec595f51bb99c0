"""POST buttons: EmptyForm, the CSRF-only form behind every button that changes state."""

from __future__ import annotations

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """CSRF-only form for buttons that POST."""
