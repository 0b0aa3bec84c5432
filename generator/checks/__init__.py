"""Validate stage: each module checks one idea and returns problems."""
