"""xxgk-audit: a compliance crawler and link checker for Chinese government portals."""

__version__ = "0.1.0"
