"""Layer 3, the Bayesian model: its PyMC graph and links, the numeric priors, sampling with
nutpie, the compiled log density, the checks stored with a fit, and the fit's cache. Its code is
hashed into every fit's cache key."""
