"""Scan results of many files, and their renderings (text, JSON, SARIF).

`model` holds the records, `collect` turns paths into a `ScanReport` (in parallel for
many files), `baseline` reads and writes fingerprint baselines, and `text`, `jsonfmt`
and `sarif` render a report. No renderer ever prints a matched value unless the report
was collected with ``reveal=True``.
"""
