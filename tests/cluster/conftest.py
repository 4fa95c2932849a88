"""Fixtures for the cluster's tests: a real PostgreSQL server for the session, a fresh database per test."""

from tests.postgres import postgres, postgres_url

__all__ = ["postgres", "postgres_url"]
