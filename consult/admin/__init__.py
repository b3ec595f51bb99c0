"""Admin pages: departments, staff accounts and roles, the audit log."""
