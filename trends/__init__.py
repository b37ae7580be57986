"""The data behind the Trends page's charts (Diễn biến dịch): one frame per chart, pure pandas.

The page, the tests' golden files and the CSV downloads all read these frames, so what
is drawn is exactly what is downloaded. Never imports streamlit.

Modules: `series` (daily curves, 7-day averages, provisional days, growth), `compare`
(several units per 100,000 and the small multiples), `rt` (reproduction number and test
positivity), `load` (health-system load against capacity), `vaccination` (coverage by age
band against the targets), `levels` (the weekly level band and its changes).
"""
