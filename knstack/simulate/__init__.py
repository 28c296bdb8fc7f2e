"""`knstack simulate`: replay traffic through autoscaler models (one module per model)."""
