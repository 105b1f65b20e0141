"""CLV engine: the product's numbers, computed without any UI.

Nothing in this package imports streamlit, so every figure a page shows can be
computed, tested and exported without a browser.
"""
