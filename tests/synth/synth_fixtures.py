"""Sizes of the small synthetic countries the synth tests build."""

N_SMALL = 300
DISTRICTS_SMALL = 30
SEED = 7
