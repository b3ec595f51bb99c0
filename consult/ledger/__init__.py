"""The reform ledger (总台帐): reform tasks broken down to departments, milestones, progress reports and supervision."""
