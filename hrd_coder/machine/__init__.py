"""Machine coding: text classifiers that suggest codings (docs/machine-coding.md).

Pure computation on texts and labels: no SQL, no terminal. scikit-learn is imported inside
the functions that need it, so that `hrd-coder --help` and `status` never load it.
"""
