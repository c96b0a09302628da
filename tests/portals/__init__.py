"""Test portals written independently of xxgk/sample (see alt_portal.py)."""
