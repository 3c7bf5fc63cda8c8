"""Layer 2, what a fit is given: the registry of models and scores, the priors, scenario files,
the scaling laws and dates. Its code is hashed into every fit's cache key."""
