"""packs module."""
