"""Hearings on plans: scheduling, applications, the public lottery, minutes."""
