"""Time: workload against capacity, timesheets, recurring work."""
