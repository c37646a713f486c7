"""The pure order domain: entities, the guarded status state machine, order numbers, money.

Imports nothing of ours and does no I/O.
"""
