"""Public statistics: participation, adoption, hearings, suggestion handling and satisfaction, as charts, tables, CSV."""
