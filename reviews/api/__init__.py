"""The publisher REST API (``/api/v1/``): thin views over the ledger's and reviews' services."""
