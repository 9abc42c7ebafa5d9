"""Benchmarks: the ingest benchmark (pledgewatch vs peers) and its generated workload."""
