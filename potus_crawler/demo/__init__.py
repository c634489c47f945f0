"""An offline copy of a POTUS News site: content, SmartMag templates, a builder and a loopback server."""

from .build import DemoSite, build_site
from .server import demo_site

__all__ = ["DemoSite", "build_site", "demo_site"]
