"""The scene: a backend-neutral description of a figure."""
