"""The rules of resolution study: lesson progress, module completion, the report."""
