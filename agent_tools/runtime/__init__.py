"""Where things run: the engine, its slices, the background runner."""
