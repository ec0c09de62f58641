"""One module per dashboard page; each only renders what shared_metrics.readouts returns."""
