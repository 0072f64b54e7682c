"""Helpers for the Docker test tier: local stand-ins for registry base images."""
