"""HTTP: health, the email log API and the photographer's email log pages."""
