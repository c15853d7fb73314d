"""HTTP authentication: static bearer tokens, OAuth 2.1 JWT access tokens, and their principals."""
