"""Organizations (the host network or partner NGO) that own institutes, and the people they
have invited across their institutes."""
