"""Who may do what, and abuse kept out: sessions, role checks, hashing, one-time codes, rate limits, headers, masked logs."""
