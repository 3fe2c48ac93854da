"""Journeys through the web UI in headless Chromium."""
