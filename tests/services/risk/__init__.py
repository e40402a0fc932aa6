"""Tests of the delay-risk model core."""
