"""Service functions: what the API and CLI do, testable without Flask."""
