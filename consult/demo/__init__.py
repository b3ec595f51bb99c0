"""Demo content: three original draft plans (征求意见稿) and a generator of citizen comments.

`plans/*.txt` hold plan bodies, `plans/*.json` their title, department and summary;
`comments.generate_comments` produces varied, deterministic comments for them.
"""
