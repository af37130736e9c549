"""Tests of the API guard (aisafe_nb.intercept) with the real openai SDK."""
