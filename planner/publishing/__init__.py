"""Publishing the program: numbered versions with a changelog, an explicit unpublish, and
mail to the facilitators whose sessions changed."""
