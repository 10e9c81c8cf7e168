"""Git is the log: one pass over git rebuilds every task's field changes; flow metrics;
what a pull request changes (its rules and its summary)."""
