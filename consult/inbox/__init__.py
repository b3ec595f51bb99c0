"""Every user's own pages: the notification inbox and the status of their comments."""
