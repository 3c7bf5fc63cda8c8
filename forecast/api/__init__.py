"""Layer 5, the library's questions: `Engine` (when, size, capability), their results, the
parsing of targets and budgets, and summaries of a fit and of the registry."""
