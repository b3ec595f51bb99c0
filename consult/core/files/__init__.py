"""Files in and out: uploaded plan bodies, PDF reports, CSV and XLSX tables."""
