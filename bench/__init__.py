"""City-scale data generator and performance harness (issue 7).

Installed as a Django app only by `civicdesk.settings.bench`; no domain app
imports it. See docs/performance.md.
"""
