"""Release readiness: bundles, autostart entries, diagnostics, the error dialog."""
