"""Grassroots talent platform: one service, every jurisdiction a tenant run by its policy pack."""
