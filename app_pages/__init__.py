"""Dashboard pages. Each module renders one page; ``state`` holds the cached engine calls, ``sidebar`` the scenario inputs, ``ui`` small shared pieces."""
