"""Admin views of content_types, one module per concept."""
