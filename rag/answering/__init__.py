"""Answering: prompt, generation, citation parsing, verification, independent checks and refusal."""
