"""WTForms (Flask-WTF) classes for the pages, one module per screen family."""
