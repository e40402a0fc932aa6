"""Delay risk: how likely an open order is to be filled late, and why, learnt from closed orders."""
