"""Where each file of a CIM repository lives, relative to its root."""

from __future__ import annotations

RULES_FILE = "rules.yml"
CATALOGUE_FILE = "activities.yml"
AWARDS_FILE = "awards.yml"
ISSUER_FILE = "issuer.yml"
ASSESSMENTS_FILE = "assessments.yml"
PORTFOLIOS_DIR = "portfolios"
PORTFOLIO_FILE = "portfolio.yml"
SCHEME_FILES = (RULES_FILE, CATALOGUE_FILE, AWARDS_FILE, ISSUER_FILE, ASSESSMENTS_FILE)
