"""What this app registers with the rest of Clientela at start-up: commerce order hooks,
journey hooks and guards, notification sweeps. Imported by the AppConfig's ready()."""
