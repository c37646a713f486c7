"""The payments domain: pure Python, no I/O."""
