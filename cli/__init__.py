"""Command-line front ends: the engine's work with the wording layer's sentences, for a terminal."""
