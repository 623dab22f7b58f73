"""Vakmanschap in activeringswerk: course tools."""
