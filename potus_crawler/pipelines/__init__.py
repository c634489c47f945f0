"""Item pipelines, one job each: normalize (100), validate (200), store (800)."""
