"""``gonghui generate``: a coherent made-up dataset of every app, at one of three scales.

``plan`` holds each scale's target sizes; ``run`` runs one module per app in order
(``orgs``, ``members``, ``stations``, ``programs``, ``mutualaid``, ``rights``, ``culture``,
``training``, ``training_funds``). Each module first draws its records from the seed, then
writes them by one of two paths that consume the same draws:

- services: every record through the app's own service functions, as the console, API
  and importers would (slow; the reference);
- bulk: plain rows through ``core.rollups.insert_rows`` (``bulk``), then every app's
  rollups rebuilt from the raw rows; ``run`` lists what else the bulk path reproduces.

``gonghui/cli/tests/test_generate.py`` proves at tiny scale that both paths leave the same
rows in every table and the same rollups.
"""
