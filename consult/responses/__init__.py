"""Staff answers to opinions and the public adoption feedback page."""
