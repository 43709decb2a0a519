"""Exercise and screen analysers built on one shared repetition segmenter."""
