"""The conferences' state changes and reusable queries, one module per part."""
