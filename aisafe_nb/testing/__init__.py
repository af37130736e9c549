"""Test helpers shipped with aisafe-nb (a local OpenAI-compatible fake server)."""
