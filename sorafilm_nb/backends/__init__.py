"""Videos API backends: the embedded simulator (default) and any OpenAI-compatible endpoint."""
