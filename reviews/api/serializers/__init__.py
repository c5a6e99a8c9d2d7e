"""Input validation and output shapes of the API, one module per resource. No business logic:
services decide."""
