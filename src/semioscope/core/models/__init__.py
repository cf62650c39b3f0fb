"""Model architectures (one module each), their weight files, and the backbone interface."""
