"""camelCase bodies and answers of the API, in Buzz-In's DAMAC integration shapes."""
