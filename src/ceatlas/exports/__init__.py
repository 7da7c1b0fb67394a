"""Document formats shared by several domains (PDF)."""
