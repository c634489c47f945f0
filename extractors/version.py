"""Which extractor made a record: ``extractor_version``, the package's version and the rule set that applied.

``0.1.0+smartmag-v10/modern.r1``: release 0.1.0, the SmartMag v10 rules of the modern layout in their
first revision; ``0.1.0+generic``: release 0.1.0, no site's rules matched. A record whose stored stamp
differs from what the current code would stamp for the same rule set was made by an extractor that has
changed since: a new release (the extractor's code, or a profile given a new rule set) or a rule set
corrected in place (``SiteRules.revision``). ``reextract --only-older`` re-extracts exactly those.
"""

from __future__ import annotations

from importlib.metadata import version

from .record import GENERIC
from .sites import PROFILES

PACKAGE_VERSION = version("potus-crawler")
#: Every profile's rule sets by name; the names are unique across profiles.
RULE_SETS = {rules.name: rules for profile in PROFILES.values() for rules in profile.rule_sets}


def extractor_version(extracted_with: str | None) -> str | None:
    """The stamp of a record the current code extracts with the rule set named ``extracted_with`` (``GENERIC``
    for the generic path); None for a record no extractor made. A rule set no profile holds any more gets a
    stamp without revision, which no record it made carries."""
    if extracted_with is None:
        return None
    rules = RULE_SETS.get(extracted_with)
    revision = f".r{rules.revision}" if rules is not None and extracted_with != GENERIC else ""
    return f"{PACKAGE_VERSION}+{extracted_with}{revision}"
