"""The versioned JSON API (/api/v1): public read-only data, staff writes with personal tokens, open data downloads."""
