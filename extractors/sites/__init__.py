"""Site profiles (``extractors.profiles.SiteProfile``) and the site rules they use, one module per site or theme.

Site rules: what we know of a site's markup, as data. The extractor tries each of its
profile's rule sets' fingerprints in order; the first that matches steers extraction, and
the generic path fills whatever it leaves empty. When a site changes its layout, add a new
rule set before the old one instead of editing it, so stored pages of the old layout still parse.
"""

from __future__ import annotations

from .potusnews import POTUS_NEWS
from .rules import SiteRules
from .wordpress import WORDPRESS

#: Every profile by name, the values of setting ``POTUS_SITE``.
PROFILES = {profile.name: profile for profile in (POTUS_NEWS, WORDPRESS)}
#: The site this project crawls unless told otherwise.
DEFAULT_PROFILE = POTUS_NEWS

__all__ = ["DEFAULT_PROFILE", "PROFILES", "SiteRules"]
