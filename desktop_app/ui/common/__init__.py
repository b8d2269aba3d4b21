"""What every tab's widgets share: form helpers (forms)."""
