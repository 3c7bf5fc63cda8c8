"""Layer 1, infrastructure that never changes a number: errors, paths, atomic file writes,
process settings and progress bars. Imports nothing else of the package."""
