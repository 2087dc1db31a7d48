"""Review rounds: a workbook a coder fills in Excel, validated and recorded in the study.

- :mod:`cloterres.review.layout`: what the workbook's hidden sheet records about itself.
- :mod:`cloterres.review.export`: ``cloterres revue exporter``.
- :mod:`cloterres.review.reader`: reading and validating an edited workbook.
- :mod:`cloterres.review.importer`: ``cloterres revue importer`` (a new human round).
"""
