"""Machine coding: text classifiers that suggest codings (docs/machine-coding.md).

Pure computation on texts and labels: no SQL, no terminal. scikit-learn (and model2vec, for
the embedding backend) are imported inside the functions that need them, so that
`hrd-coder --help` and `status` never load them.
"""
