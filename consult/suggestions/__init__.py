"""The standing reform suggestion box (常设改革建议征集)."""
