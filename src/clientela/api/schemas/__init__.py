"""Request and response schemas, one module per resource, and the functions that turn a
model (as the selectors return it) into its representation."""
