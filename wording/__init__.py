"""The wording layer: everything a reader sees as words, between the engine and the pages.

The engine returns numbers, codes and stable ids; this package turns them into sentences,
labels, money and dates in the reader's language. ``catalogue/`` holds the strings (one
module per feature, each key with its English and Chinese text); ``fmt`` formats money,
percentages and ratios.
"""

from wording.catalogue import CATALOGUE, LANGUAGES, t

__all__ = ["CATALOGUE", "LANGUAGES", "t"]
