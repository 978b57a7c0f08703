"""Differential privacy for figures released across organisations.

- ``mechanisms``: OpenDP noise on counts, counts per public breakdown key,
  sums, bounded means and bounded figures (Laplace
  ``evidencehub.privacy.laplace`` v1, Gaussian ``evidencehub.privacy.gaussian``
  v1), each with its 95% accuracy.
- ``quantiles``: benchmarks from noisy peer figures
  (``evidencehub.privacy.quantiles`` v1) and OpenDP's private quantile.
- ``budget``: the yearly ε budget (``evidencehub.privacy.budget`` v1).
- ``peers``: ``PeerValue``, what a benchmark is built from.
"""
