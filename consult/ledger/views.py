"""The ledger's pages (staff, departments) and the public sunshine-reform view."""

from __future__ import annotations

from flask import Blueprint

from consult.ledger import models  # noqa: F401  (tables registered with the app)

bp = Blueprint("ledger", __name__, template_folder="templates")
