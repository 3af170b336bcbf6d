"""Service layer: every query and rule lives here, scoped to an owner."""
