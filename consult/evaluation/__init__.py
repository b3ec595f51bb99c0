"""Evaluation (绩效考核): yearly indicators and weights, scorecards per reform task and department, third-party evaluations, the annual statistics (年报)."""
