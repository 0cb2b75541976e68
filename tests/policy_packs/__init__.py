"""Tests of the real policy packs in policy_packs/ against the worked cases of their source texts."""
