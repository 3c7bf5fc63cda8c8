"""Layer 4, from a posterior to the future: posterior and prior-only draws as NumPy arrays,
future techniques' arrivals, simulated futures and their first crossing dates."""
