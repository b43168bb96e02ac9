"""Reports: :mod:`genetx.report.render` assembles the self-contained HTML page,
:mod:`genetx.report.export` writes it with the JSON and the design files (GenBank, BED, TSV).
Submodules are imported on first use."""
