"""People and their access: users, memberships (user × tenant × office × scope), API tokens."""
