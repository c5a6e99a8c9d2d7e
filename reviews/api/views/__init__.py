"""API views: validate input, call a service or selector, serialize the result."""
