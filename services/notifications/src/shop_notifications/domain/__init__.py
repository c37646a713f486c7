"""Pure Python: which emails a message causes and to whom; the retry policy. No I/O."""
