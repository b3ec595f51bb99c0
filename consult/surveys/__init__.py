"""Surveys of service recipients: staff pages (build, invite, results, tickets) and the respondent's pages."""
