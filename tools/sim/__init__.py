"""The month simulation: a generated site changing day by day, crawled daily by each plan.

``site`` is the seeded model and its daily changes (the truth), ``render`` writes a day of it
as a fixture site, ``month`` runs the real pipeline over the days and scores what it found
against the truth. See docs/crawling.md for what each plan is expected to achieve.
"""
