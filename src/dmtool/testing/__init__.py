"""Test data: hypothesis strategies for valid and rule-breaking messages (:mod:`~dmtool.testing.strategies`) and the
bulk fixtures they make (:mod:`~dmtool.testing.fixtures`). Needs the ``fixtures`` extra (hypothesis)."""
