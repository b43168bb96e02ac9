"""Figures (the scanpy "pl" layer): one module per result type; each takes result objects and
returns a matplotlib Figure, never recomputes and never shows. matplotlib is imported inside the
functions, so importing this package stays light."""
