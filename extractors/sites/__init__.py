"""Site rules: what we know of a site's markup, as data, one module per theme or publisher.

The extractor tries each rule set's fingerprint in order; the first that matches
steers extraction, and the generic path fills whatever it leaves empty. When a site
changes its layout, add a new rule set before the old one instead of editing it,
so stored pages of the old layout still parse.
"""

from __future__ import annotations

from .rules import SiteRules
from .smartmag import SMARTMAG_V10, SMARTMAG_V10_LAYOUTS

#: A theme's layouts before its site-wide rules, which match every page of the theme.
SITE_RULES: tuple[SiteRules, ...] = (*SMARTMAG_V10_LAYOUTS, SMARTMAG_V10)

__all__ = ["SITE_RULES", "SiteRules"]
