"""Dashboard pages. Each module renders one page; ``common`` holds the shared sidebar and caches."""
