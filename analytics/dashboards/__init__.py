"""Recruiter dashboards: SQL aggregates (`queries`) and server-rendered SVG charts (`charts`)."""
